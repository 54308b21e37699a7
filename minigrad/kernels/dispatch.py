"""Which kernel computes each call: the one place where that is decided, and `use`, the
switch that puts every op on the reference kernels.

    with mg.kernels.use("reference"):     # every op on kernels/reference.py until the end
        loss = model(x) ...               # of the block (in this thread); or call it alone
                                          # to switch from then on

The fast kernels change nothing but time: tests/test_kernels.py checks that they agree with
the reference to 1e-10 in float64, gradients included. A kernel is chosen in forward and
kept on the op's ctx, so its backward runs on the same kernel whatever is set by then.

The thresholds, and why (measured on this project's 2-core machines, forward + backward):

    batch_last_positions = 64   output maps of at most this many pixels (8 x 8) go batch
                                last: resnet20's 8x8, 4x4, 2x2 maps 1.2x, 1.7x, 2.8x faster
                                than im2col, bench_conv's S3 and DIG (8 x 8) 1.4x faster than
                                the shifted views (which waste 36 of 100 columns at 8 x 8);
                                16 x 16 about even; 32 x 32 slower (moving N last and back is
                                a transpose of a large array)
    patch_bytes = 64 MiB        the largest patch matrix built in one piece; above it im2col
                                builds it a few kernel rows at a time and does not keep it,
                                so that memory stays near the input's (batch last has no
                                pieces, so a larger matrix is never batch last)

A NaN or Inf spreads only over the outputs whose window met it, as in torch. The banded
depthwise kernel and the shifted views multiply whole rows, zeros included, by every entry
(0 * inf = nan), so a non-finite x or weight goes to a kernel that multiplies only what a
window reads: the reference depthwise loops, im2col for conv2d. `finite` is
np.isfinite(a).all(): 32 us on a float32 (32, 32, 16, 16) x, against 820 us for the banded
forward (timeit, once, on this project's machine): about 4%.
"""

import contextvars
from dataclasses import dataclass, replace

import numpy as np

from . import (batch_last, channel_rows, depthwise_bands, im2col, pointwise, reference,
               shifted_views)

KERNEL_SETS = ("fast", "reference")


@dataclass(frozen=True)
class KernelSet:
    """A kernel set and its thresholds; tests pass other thresholds to force each layout."""

    name: str = "fast"
    batch_last_positions: int = 64
    patch_bytes: int = 64 * 2**20


_default = KernelSet()  # what `use(...)` called alone sets, for every thread
_scoped = contextvars.ContextVar("minigrad_kernel_set", default=None)  # `with use(...)`


def current():
    """The KernelSet in force: the innermost `with use(...)` of this thread, else the last
    `use(...)` called alone, else the fast kernels."""
    scoped = _scoped.get()
    return _default if scoped is None else scoped


class use:
    """Run the ops on kernel set `name` ("fast", the default, or "reference"), optionally with
    other thresholds (`use("fast", batch_last_positions=0)`).

    Called alone it switches from then on, in every thread. As a context manager it holds
    only inside the `with` block, and only in this thread (other threads keep theirs).
    """

    def __init__(self, name="fast", **thresholds):
        global _default
        if name not in KERNEL_SETS:
            raise ValueError(f"kernels.use: name must be one of {KERNEL_SETS}, got {name!r}")
        for key, value in thresholds.items():
            if key not in ("batch_last_positions", "patch_bytes"):
                raise TypeError(f"kernels.use: unknown threshold {key!r}; known: "
                                f"batch_last_positions, patch_bytes")
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"kernels.use: {key} must be an int, got {value!r}")
            if value < 0:
                raise ValueError(f"kernels.use: {key} must be >= 0, got {value!r}")
        self.kernel_set = replace(KernelSet(), name=name, **thresholds)
        # Set now, for the call alone; `__enter__` turns it into a scoped setting instead.
        self._previous_default, _default = _default, self.kernel_set
        self._tokens = []

    def __enter__(self):
        global _default
        if self._previous_default is not None:
            _default, self._previous_default = self._previous_default, None
        self._tokens.append(_scoped.set(self.kernel_set))
        return self.kernel_set

    def __exit__(self, *exc):
        _scoped.reset(self._tokens.pop())
        return False


# ----- the choices ------------------------------------------------------------------------

def _reference_for(batch):
    """The reference kernels take an empty batch (N = 0), which the fast ones' reshapes do
    not; there is nothing to be fast about."""
    return current().name == "reference" or batch == 0


def finite(*arrays):
    """Whether every entry of every array (None skipped) is finite."""
    return all(np.isfinite(a).all() for a in arrays if a is not None)


def conv2d_kernel(x_shape, itemsize, kernel, stride, out_hw, inputs=()):
    """The kernel for conv2d on an x of this shape and dtype size, giving this output map;
    `inputs` (x, weight) are checked for NaN and Inf only where the choice depends on it."""
    chosen = current()
    if _reference_for(x_shape[0]):
        return ReferenceConv2d
    positions = out_hw[0] * out_hw[1]
    patch_bytes = kernel[0] * kernel[1] * x_shape[0] * x_shape[1] * positions * itemsize
    if positions <= chosen.batch_last_positions and patch_bytes <= chosen.patch_bytes:
        return batch_last
    if tuple(stride) == (1, 1) and finite(*inputs):
        return shifted_views
    return _Im2col(chosen.patch_bytes)


def depthwise_kernel(batch, inputs=()):
    """`inputs` (x, weight): the bands need them finite."""
    return ReferenceDepthwise if _reference_for(batch) or not finite(*inputs) else depthwise_bands


def pointwise_kernel(batch):
    return ReferencePointwise if _reference_for(batch) else pointwise


def batch_norm_kernel(batch):
    return ReferenceBatchNorm if _reference_for(batch) else channel_rows


class _Im2col:
    """im2col with the piece size in force when it was chosen."""

    def __init__(self, patch_bytes):
        self.patch_bytes = patch_bytes

    def forward(self, *args):
        return im2col.forward(*args, patch_bytes=self.patch_bytes)

    backward = staticmethod(im2col.backward)


# ----- the reference kernels behind the same interface as the fast ones ------------------

class ReferenceConv2d:
    @staticmethod
    def forward(x, weight, bias, stride, padding, dilation, groups, needs):
        y = reference.conv2d(x, weight, bias, stride, padding, dilation, groups)
        return y, (x, weight, stride, padding, dilation, groups)

    @staticmethod
    def backward(state, grad, needs):
        x, weight, stride, padding, dilation, groups = state
        grad_x = (reference.conv2d_input_grad(grad, weight, x.shape, stride, padding, dilation,
                                              groups) if needs[0] else None)
        grad_w = (reference.conv2d_weight_grad(grad, x, weight.shape, stride, padding,
                                               dilation, groups) if needs[1] else None)
        return grad_x, grad_w


class ReferenceDepthwise:
    @staticmethod
    def forward(x, weight, bias, stride, padding, dilation, needs):
        return ReferenceConv2d.forward(x, weight, bias, stride, padding, dilation, x.shape[1],
                                       needs)

    backward = ReferenceConv2d.backward


class ReferencePointwise:
    @staticmethod
    def forward(x, weight, bias, needs):
        return ReferenceConv2d.forward(x, weight, bias, (1, 1), ((0, 0), (0, 0)), (1, 1), 1,
                                       needs)

    backward = ReferenceConv2d.backward


class ReferenceBatchNorm:
    forward = staticmethod(reference.batch_norm)
    backward = staticmethod(reference.batch_norm_grad)
