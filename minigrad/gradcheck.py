"""Numerical gradient checking: the proof that each backward matches its forward.

For a function y = fn(x_1, ..., x_k), backward computes the vector-Jacobian product
v^T J for an upstream gradient v. Central differences estimate the same quantity one
element at a time:

    d(v . y)/dx[i]  ~  (v . fn(x + eps e_i) - v . fn(x - eps e_i)) / (2 eps)

with an error of order eps^2. Using a random v (instead of building the full Jacobian)
checks every column of J at once: a wrong entry would have to be cancelled exactly by
the random weights, which happens with probability zero.
"""

from __future__ import annotations

import numpy as np

from .autograd import no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Raised by `gradcheck` when an analytic gradient disagrees with the numeric one, or
    when the function mutated one of its inputs."""


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, *, max_elements=None, seed=0):
    """Check the gradients of `fn` at `inputs` against central differences, in float64.

    Args:
        fn: takes the inputs (Tensors) and returns a Tensor of any shape.
        inputs: a Tensor or a sequence of Tensors. Floating inputs are copied to float64;
            those with requires_grad are checked. Other entries are passed through.
        eps, atol, rtol: the step, and the test |analytic - numeric| <= atol + rtol * |numeric|
            (PyTorch's defaults).
        max_elements: check at most this many randomly chosen elements of each input
            (every element when None).
        seed: seeds the random upstream gradient and the element sampling.

    Returns True, or raises GradcheckError naming the input, the element, and both values.
    """
    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    inputs = [_as_float64(x) for x in inputs]
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    before = [_snapshot(x) for x in inputs]
    rng = np.random.default_rng(seed)

    out = fn(*inputs)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    if not out.requires_grad:
        raise GradcheckError("gradcheck: the output does not require grad: fn cut the graph")
    _check_unmutated(inputs, before, "forward")
    # A one-element output needs no random weighting; v = 1 keeps the reported values plain.
    upstream = np.ones(out.shape) if out._array.size == 1 else rng.standard_normal(out.shape)
    what = "" if out._array.size == 1 else " (of sum(v * output), v a random upstream gradient)"
    upstream_copy = upstream.copy()
    out.backward(upstream)
    _check_unmutated(inputs, before, "backward")
    if not np.array_equal(upstream, upstream_copy):
        raise GradcheckError("gradcheck: backward mutated the upstream gradient")

    def objective():
        with no_grad():
            return float((fn(*inputs)._array * upstream).sum())

    for i in checked:
        x = inputs[i]
        analytic = x.grad._array if x.grad is not None else np.zeros_like(x._array)
        for index in _elements(x._array.shape, max_elements, rng):
            original = x._array[index]
            x._array[index] = original + eps
            plus = objective()
            x._array[index] = original - eps
            minus = objective()
            x._array[index] = original
            numeric = (plus - minus) / (2 * eps)
            if not abs(analytic[index] - numeric) <= atol + rtol * abs(numeric):
                raise GradcheckError(
                    f"gradcheck: gradient mismatch{what} for input {i} (shape {x._array.shape}) at "
                    f"element {index}: analytic {analytic[index]:.8g}, numeric {numeric:.8g} "
                    f"(difference {analytic[index] - numeric:.3g}, allowed "
                    f"{atol + rtol * abs(numeric):.3g})"
                )
    return True


def _as_float64(x):
    if isinstance(x, Tensor) and np.issubdtype(x.dtype, np.floating):
        return Tensor._from_op(x._array.astype(np.float64), False).requires_grad_(x.requires_grad)
    return x


def _snapshot(x):
    return x._array.copy() if isinstance(x, Tensor) else None


def _check_unmutated(inputs, before, stage):
    for i, (x, old) in enumerate(zip(inputs, before)):
        if old is not None and not np.array_equal(x._array, old, equal_nan=True):
            raise GradcheckError(f"gradcheck: {stage} mutated input {i} (shape {x._array.shape})")


def _elements(shape, max_elements, rng):
    total = int(np.prod(shape))
    if max_elements is None or total <= max_elements:
        return list(np.ndindex(*shape))
    flat = rng.choice(total, size=max_elements, replace=False)
    return [np.unravel_index(f, shape) for f in np.sort(flat)]
