"""Tensor construction, dtypes, attributes and factories."""

import numpy as np
import pytest

import minigrad as mg


def test_python_numbers_get_pytorchs_dtypes():
    assert mg.tensor(1.5).dtype == np.float32
    assert mg.tensor([1, 2, 3]).dtype == np.int64
    assert mg.tensor([True, False]).dtype == np.bool_
    assert mg.tensor([1, 2.5]).dtype == np.float32
    assert mg.Tensor([[1, 2]]).dtype == np.float32  # torch.Tensor is the float32 constructor


def test_numpy_arrays_keep_their_dtype_and_float64_is_kept_when_asked():
    assert mg.tensor(np.zeros(3)).dtype == np.float64
    assert mg.tensor(np.arange(3)).dtype == np.int64
    assert mg.tensor([1.0, 2.0], dtype=np.float64).dtype == np.float64


def test_scalar_constants_take_the_tensor_dtype():
    x = mg.tensor([1.0, 2.0])
    assert (x * 2).dtype == np.float32
    assert (2.5 + x).dtype == np.float32
    x64 = mg.tensor([1.0], dtype=np.float64)
    assert (x64 / 3).dtype == np.float64


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match="requires_grad.*floating.*int64"):
        mg.tensor(np.arange(3), requires_grad=True)


def test_construction_copies_its_input():
    source = np.ones(3, dtype=np.float32)
    t = mg.tensor(source)
    source[0] = 5
    assert t.detach().numpy()[0] == 1


def test_attributes():
    t = mg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert t.shape == (2, 3) and t.ndim == 2 and t.dtype == np.float64
    assert t.grad is None and t.requires_grad and t.is_leaf
    assert mg.tensor([[4.0]]).item() == 4.0
    with pytest.raises(RuntimeError, match="a Tensor with 6 elements cannot be converted"):
        t.item()
    with pytest.raises(RuntimeError, match="detach"):
        t.numpy()
    d = t.detach()
    assert not d.requires_grad and d.detach().numpy() is t.detach().numpy()
    assert np.array_equal(d.numpy(), t.detach().numpy())
    assert "requires_grad=True" in repr(t)
    assert "grad_fn=<MulBackward>" in repr(t * 2)


def test_grad_has_data_shape_and_dtype():
    t = mg.tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    (t * t).sum().backward()
    assert t.grad.shape == (2, 3) and t.grad.dtype == np.float32


def test_factories():
    assert mg.zeros(2, 3).shape == (2, 3) and mg.zeros(2, 3).dtype == np.float32
    assert mg.ones((4,)).detach().numpy().sum() == 4
    a = mg.randn(3, 4, generator=np.random.default_rng(7))
    b = mg.randn(3, 4, generator=np.random.default_rng(7))
    assert np.array_equal(a.detach().numpy(), b.detach().numpy()) and a.dtype == np.float32
    u = mg.rand(1000, generator=np.random.default_rng(1))
    assert 0 <= u.detach().numpy().min() and u.detach().numpy().max() < 1
    mg.manual_seed(3)
    first = mg.randn(5).detach().numpy()
    mg.manual_seed(3)
    assert np.array_equal(first, mg.randn(5).detach().numpy())
    assert mg.zeros(2, requires_grad=True).requires_grad


def test_numpy_array_on_the_left_defers_to_tensor():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(y, mg.Tensor) and y.requires_grad


def test_comparisons_give_bool_tensors_without_grad():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result in (x < 2, x <= 2, x > 2, x >= 2, x == 2, x != 2):
        assert isinstance(result, mg.Tensor)
        assert result.dtype == np.bool_ and not result.requires_grad
    assert (x > 1.5).detach().numpy().tolist() == [False, True, True]


def test_shape_methods_follow_pytorch():
    x = mg.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.transpose(0, 2).shape == (4, 3, 2)
    assert x.permute(2, 0, 1).shape == (4, 2, 3)
    assert x.T.shape == (4, 3, 2)
    assert x.flatten().shape == (24,)
    assert x.flatten(1).shape == (2, 12)
    assert x.reshape(6, -1).shape == (6, 4)
    assert x.reshape((4, 6)).shape == (4, 6)
