"""Bad input raises a clear error naming the op and the shapes, not a numpy traceback."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F


def test_matmul_shape_mismatch():
    a, b = mg.randn(2, 3), mg.randn(4, 5)
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) are not aligned"):
        a @ b
    with pytest.raises(ValueError, match=r"matmul: batch axes"):
        mg.randn(2, 2, 3) @ mg.randn(3, 3, 4)
    with pytest.raises(ValueError, match="matmul: both operands"):
        mg.tensor(2.0) @ mg.randn(2)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow"])
def test_broadcast_failure(op):
    a, b = mg.ones(2, 3), mg.ones(4)
    fn = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
          "div": lambda: a / b, "pow": lambda: a ** b}[op]
    with pytest.raises(ValueError, match=rf"{op}: cannot broadcast shapes \(2, 3\) and \(4,\)"):
        fn()


def test_out_of_range_labels():
    """IndexError, as PyTorch's "Target 4 is out of bounds"."""
    logits = mg.randn(3, 4)
    with pytest.raises(IndexError, match=r"cross_entropy: target 4 is out of bounds: class "
                                         r"indices must lie in \[0, 4\)"):
        F.cross_entropy(logits, np.array([0, 4, 1]))
    with pytest.raises(IndexError, match=r"target -1 is out of bounds"):
        F.cross_entropy(logits, np.array([0, -1, 1]))


def test_wrong_label_dtype():
    with pytest.raises(TypeError, match="cross_entropy: target must hold integer class "
                                        "indices.*got dtype float"):
        F.cross_entropy(mg.randn(3, 4), np.array([0.0, 1.0, 2.0]))


def test_label_shape_mismatch():
    with pytest.raises(ValueError, match=r"input \(3, 4\) needs a target of shape \(3,\).*"
                                         r"got \(2,\)"):
        F.cross_entropy(mg.randn(3, 4), np.array([0, 1]))


def test_requires_grad_on_integer_data():
    with pytest.raises(TypeError, match="int64"):
        mg.tensor(np.array([1, 2]), requires_grad=True)


def test_other_shape_errors():
    with pytest.raises(ValueError, match=r"reshape: cannot reshape.*\(2, 3\).*\(4,\)"):
        mg.ones(2, 3).reshape(4)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got 3\)"):
        mg.ones(2, 3).sum(axis=3)
    with pytest.raises(RuntimeError, match="permute"):  # torch's type for a repeated dim
        mg.ones(2, 3).permute(0, 0)
    with pytest.raises(ValueError, match="concatenate"):
        mg.concatenate([mg.ones(2, 3), mg.ones(3, 3)], axis=1)
    with pytest.raises(ValueError, match="stack: all tensors must have the same shape"):
        mg.stack([mg.ones(2), mg.ones(3)])
    with pytest.raises(ValueError, match="linear: input's last axis"):
        F.linear(mg.ones(2, 3), mg.ones(4, 5))
    with pytest.raises(ValueError, match="mse_loss"):
        F.mse_loss(mg.ones(2, 3), mg.ones(3, 2))
    with pytest.raises(ValueError, match="pad: negative padding"):
        F.pad(mg.ones(2), (-1, 0))
    with pytest.raises(TypeError, match=r"are written \(3, 4, 1, 2\)"):
        F.pad(mg.ones(2, 2), ((1, 2), (3, 4)))
    with pytest.raises(IndexError, match="getitem"):
        mg.ones(2, 3)[5]
    with pytest.raises(ValueError, match="clip: give at least one"):
        mg.ones(2).clip()
