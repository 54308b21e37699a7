"""Normalization layers: batch norm (the learned scale/shift and the running statistics around
`F.batch_norm`), layer norm and group norm (around `F.layer_norm`, `F.group_norm`). The
formulas and their gradients are in minigrad/ops/normalization.py."""

import numpy as np

from .. import functional as F
from . import init
from ..functional.checks import bounded_number, positive_ints
from ..functional.normalization import normalized_shape_of
from .module import Module, Parameter, factory_dtype


class _BatchNorm(Module):
    """Shared by BatchNorm1d and BatchNorm2d; they differ only in the input shapes they accept.

    Args:
        num_features: C, the number of channels (axis 1 of the input).
        eps: added to the variance before the square root.
        momentum: weight of each new batch in the running averages,
            running = (1 - momentum) * running + momentum * batch. None means a plain
            cumulative average over all batches seen (momentum = 1 / num_batches_tracked).
        affine: learn weight (gamma) and bias (beta). Initialized to 1 and 0 (PyTorch's default),
            so a fresh layer only normalizes.
        track_running_stats: keep running statistics for eval mode (default True). If False,
            the batch's statistics are used in eval mode too.
        device, dtype: as torch's; dtype of the parameters and running statistics (the
            default dtype, float32 unless mg.set_default_dtype changed it).
        bias: with affine, learn beta too (False: weight only), as torch's keyword.

    Buffers (saved by state_dict): running_mean (zeros), running_var (ones),
    num_batches_tracked (int64 scalar counting training forwards).

    In training mode the layer normalizes with the batch's mean and biased variance and
    updates the running statistics (the running variance stores the unbiased estimate, as
    PyTorch does); in eval mode it normalizes with the running statistics.
    """

    _expected_dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        positive_ints(type(self).__name__, num_features=num_features)
        bounded_number(type(self).__name__, "eps", eps, low=0)
        if momentum is not None:
            bounded_number(type(self).__name__, "momentum", momentum, low=0, high=1)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = init.ones_(Parameter(np.empty(num_features, dtype=dtype)))
            self.bias = init.zeros_(Parameter(np.empty(num_features, dtype=dtype))) if bias \
                else None
        else:
            self.weight = self.bias = None
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def forward(self, x):
        if x.ndim not in self._expected_dims:
            shapes = " or ".join(f"{d}-D" for d in self._expected_dims)
            raise ValueError(f"{type(self).__name__}: expected {shapes} input, got shape {x.shape}")
        if x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: expected {self.num_features} channels on "
                             f"axis 1, got input shape {x.shape}")
        use_batch_stats = self.training or not self.track_running_stats
        counts = self.training and self.track_running_stats
        momentum = 0.0 if self.momentum is None else self.momentum
        if counts and self.momentum is None:
            momentum = 1.0 / float(self.num_batches_tracked._array + 1)
        shape = x.shape
        if x.ndim == 3:
            # F.batch_norm takes (N, C) or (N, C, H, W); (N, C, L) is (N, C, L, 1).
            x = x.reshape(shape + (1,))
        y = F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                         training=use_batch_stats, momentum=momentum, eps=self.eps)
        # Counted only now: a forward that raised (torch's counter moves anyway) left the
        # count and the running statistics as they were.
        if counts:
            self.num_batches_tracked._array += 1
        return y.reshape(shape) if len(shape) == 3 else y

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization over (N, C) or (N, C, L) input, per channel C (statistics over N, L).

    BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True).
    Initialization (PyTorch's): weight 1, bias 0; running_mean 0, running_var 1.
    The arguments and buffers are described in `_BatchNorm`.
    """
    _expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization over (N, C, H, W) input, per channel C (statistics over N, H, W).

    BatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True).
    Initialization (PyTorch's): weight 1, bias 0; running_mean 0, running_var 1.
    The arguments and buffers are described in `_BatchNorm`.
    """
    _expected_dims = (4,)


def _ones_and_zeros(shape, weight, bias, dtype):
    """weight 1 and bias 0 of `shape` as Parameters (PyTorch's init), or None where not learned."""
    return (init.ones_(Parameter(np.empty(shape, dtype=dtype))) if weight else None,
            init.zeros_(Parameter(np.empty(shape, dtype=dtype))) if bias else None)


class LayerNorm(Module):
    """Layer normalization over the last axes, as `torch.nn.LayerNorm`.

    Args:
        normalized_shape: an int or a sequence, the shape of the input's last axes; each
            example is normalized over them (no running statistics, the same in eval).
        eps: added to the variance before the square root.
        elementwise_affine: learn weight (init 1) and bias (init 0) of shape normalized_shape.
        bias: learn the bias too (with elementwise_affine).
        device, dtype: as torch's; dtype of the parameters (the default dtype, float32
            unless mg.set_default_dtype changed it).

    Shapes: (..., *normalized_shape) -> the same.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None,
                 dtype=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        self.normalized_shape = normalized_shape_of("LayerNorm", normalized_shape)
        self.eps = bounded_number("LayerNorm", "eps", eps, low=0)
        self.elementwise_affine = elementwise_affine
        self.weight, self.bias = _ones_and_zeros(self.normalized_shape, elementwise_affine,
                                                 elementwise_affine and bias, dtype)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine="
                f"{self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Group normalization, as `torch.nn.GroupNorm`.

    Args:
        num_groups: G, dividing num_channels: each example's channels are split into G groups,
            each normalized over its channels and positions (the same in eval).
        num_channels: C, axis 1 of the input.
        eps: added to the variance before the square root.
        affine: learn a weight (init 1) and a bias (init 0) per channel.
        bias: learn the bias too (with affine; keyword only, as PyTorch).
        device, dtype: as torch's; dtype of the parameters (the default dtype, float32
            unless mg.set_default_dtype changed it).

    Shapes: (N, C, *) -> the same.
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *,
                 bias=True):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        positive_ints("GroupNorm", num_groups=num_groups, num_channels=num_channels)
        if num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_groups={num_groups} must divide num_channels="
                             f"{num_channels}")
        self.num_groups, self.num_channels = num_groups, num_channels
        self.eps = bounded_number("GroupNorm", "eps", eps, low=0)
        self.affine = affine
        self.weight, self.bias = _ones_and_zeros(num_channels, affine, affine and bias, dtype)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
