"""In-place ops, as PyTorch's: add_, sub_, mul_, div_, zero_, fill_, clamp_, copy_, normal_,
uniform_, the operators +=, -=, *=, /=, and item assignment x[i] = v. Mixed into `Tensor`.

Each is written once, as the out-of-place op it stands for (`x.add_(y)` is `x + y`), and
`_in_place` does the rest:

- Outside a graph (under `no_grad`, or when nothing involved requires grad) the new values
  are written into the tensor's own array: this is the manual SGD step,
  `with no_grad(): w -= lr * w.grad`.
- A leaf that requires grad cannot be changed in place while the graph is recorded (its
  old value may be needed): RuntimeError, as in PyTorch.
- A tensor inside a graph is changed and keeps its place in it: the out-of-place op is
  recorded on a copy of its old value, and the tensor takes the result's place ("rebases
  its history", as PyTorch says), so gradients flow through the change. minigrad's graph
  links tensors, not PyTorch's gradient functions, so it can rebase only a tensor that no
  recorded op has used yet (`out = bn(conv(x)); out += identity` is fine); otherwise it
  raises (docs/pytorch.md).

Every in-place change bumps the tensor's version counter, which it shares with the tensors
that share its array (`detach()`). An op that saved the array for backward remembers the
version it saw; a backward after a change raises instead of using the changed values
(`autograd.check_versions`).
"""

import numpy as np

from . import autograd, ops
from . import tensor as tensor_module
from .generator import rng
from .tensor_math import _index_arrays


class TensorInPlace:
    """The in-place ops of `Tensor` (see tensor.py for the class itself)."""

    @property
    def _version(self):
        """How many in-place changes this tensor's array has had (as torch's x._version)."""
        return 0 if self._counter is None else self._counter[0]

    def _version_counter(self):
        """The [count] this tensor shares with its aliases, made when first needed (most
        tensors are never changed in place, and a list per tensor costs time)."""
        if self._counter is None:
            self._counter = [0]
        return self._counter

    def _in_place(self, name, out_of_place, *others):
        Tensor = tensor_module.Tensor
        recording = autograd.is_grad_enabled() and (self.requires_grad or any(
            isinstance(o, Tensor) and o.requires_grad for o in others))
        if recording and self.requires_grad and self._node is None:
            raise RuntimeError(f"{name}: a leaf tensor that requires grad is being used in an "
                               f"in-place operation; do it under `with mg.no_grad():` (as an "
                               f"optimizer step), or write x = x ... out of place")
        if not recording:
            with autograd.no_grad():
                new = out_of_place(self, *others)
            self._write(name, new._array)
            return self
        if self._view_of is not None:
            raise RuntimeError(f"{name}: this tensor is a view of another in a graph; minigrad "
                               f"cannot carry an in-place change of a view back to its base "
                               f"(docs/pytorch.md): change the base, or write it out of place")
        if self._uses:
            raise RuntimeError(f"{name}: this tensor is part of a graph and another op has "
                               f"used it already; minigrad cannot change it in place there "
                               f"(docs/pytorch.md): write it out of place, y = y ... ")
        # The value before, holding the tensor's place in the graph so far.
        old = Tensor._from_op(self._array.copy(), requires_grad=self.requires_grad)
        old._node = self._node
        # x.add_(x): the argument is the old value too
        new = out_of_place(old, *(old if o is self else o for o in others))
        self._write(name, new._array)
        self._node, self.requires_grad = new._node, new.requires_grad
        return self

    def _write(self, name, values):
        if values.shape != self._array.shape:
            raise RuntimeError(f"{name}: the result has shape {values.shape}, which does not "
                               f"fit the tensor's shape {self._array.shape} (an in-place op "
                               f"cannot change the shape)")
        try:
            np.copyto(self._array, values, casting="same_kind")
        except TypeError:
            raise RuntimeError(f"{name}: result type {values.dtype} can't be cast to the "
                               f"tensor's dtype {self._array.dtype}") from None
        self._version_counter()[0] += 1

    def add_(self, other, *, alpha=1):
        """x += alpha * other, in place."""
        return self._in_place("add_", lambda x, o: x + (o if alpha == 1 else alpha * o), other)

    def sub_(self, other, *, alpha=1):
        """x -= alpha * other, in place."""
        return self._in_place("sub_", lambda x, o: x - (o if alpha == 1 else alpha * o), other)

    def mul_(self, other):
        """x *= other, in place."""
        return self._in_place("mul_", lambda x, o: x * o, other)

    def div_(self, other):
        """x /= other, in place (an integer tensor cannot hold the float result)."""
        return self._in_place("div_", lambda x, o: x / o, other)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_

    def addcmul_(self, tensor1, tensor2, *, value=1):
        """x += value * tensor1 * tensor2, in place (what custom optimizers write)."""
        return self._in_place("addcmul_", lambda x, a, b: x.addcmul(a, b, value=value),
                              tensor1, tensor2)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        """x += value * tensor1 / tensor2, in place."""
        return self._in_place("addcdiv_", lambda x, a, b: x.addcdiv(a, b, value=value),
                              tensor1, tensor2)

    def lerp_(self, end, weight):
        """x += weight * (end - x), in place."""
        return self._in_place("lerp_", lambda x, e, w: x.lerp(e, w), end, weight)

    def sqrt_(self):
        """x = sqrt(x), in place."""
        return self._in_place("sqrt_", lambda x: x.sqrt())

    def pow_(self, exponent):
        """x = x ** exponent, in place."""
        return self._in_place("pow_", lambda x, e: x ** e, exponent)

    def neg_(self):
        """x = -x, in place."""
        return self._in_place("neg_", lambda x: -x)


    def clamp_(self, min=None, max=None):
        """Limit the values to [min, max], in place."""
        return self._in_place("clamp_", lambda x: x.clamp(min, max))

    clip_ = clamp_

    # The ops below replace the values: each is recorded as `where(False, x, new)`, which
    # gives x a zero gradient (and stays right where x holds inf or NaN, unlike x * 0 + new).

    def zero_(self):
        """Set every element to 0, in place."""
        return self._in_place("zero_", lambda x: _replaced(x, np.zeros((), x.dtype)))

    def fill_(self, value):
        """Set every element to value (cast to this dtype), in place."""
        if isinstance(value, tensor_module.Tensor):
            return self._in_place("fill_", lambda x, v: _replaced(x, v.to(x.dtype)), value)
        return self._in_place("fill_", lambda x: _replaced(x, np.asarray(value, x.dtype)))

    def copy_(self, src):
        """Copy src's values (broadcast to this shape, in this dtype) in place; the gradient
        flows to src, as in PyTorch."""
        if not isinstance(src, tensor_module.Tensor):
            src = tensor_module.Tensor._from_op(np.asarray(src), requires_grad=False)
        return self._in_place("copy_", lambda x, s: _replaced(x, s.to(x.dtype)), src)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """Fill with samples from N(mean, std^2), in place."""
        _floating("normal_", self)
        values = rng(generator, "normal_").normal(mean, std, self.shape).astype(self.dtype)
        return self._in_place("normal_", lambda x: _replaced(x, values))

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        """Fill with samples from U(a, b), in place."""
        _floating("uniform_", self)
        values = rng(generator, "uniform_").uniform(a, b, self.shape).astype(self.dtype)
        return self._in_place("uniform_", lambda x: _replaced(x, values))

    def __setitem__(self, index, value):
        """x[index] = value, in place; differentiable in x and value, as in PyTorch.
        Op: `ops.shape.SetItem`."""
        index = _index_arrays(index)
        self._in_place("setitem", lambda x, v: ops.shape.SetItem.apply(x, v, index=index), value)


def _floating(name, x):
    if x.dtype.kind != "f":
        raise NotImplementedError(f"{name}: random floats cannot fill a {x.dtype} tensor, as in "
                                  f"PyTorch; make a float one (x.float())")


def _replaced(x, values):
    return ops.elementwise.Where.apply(x, values, condition=np.zeros((), dtype=bool))
