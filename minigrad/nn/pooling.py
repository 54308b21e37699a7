"""Pooling layers: thin modules around F.max_pool2d, F.avg_pool2d, F.adaptive_avg_pool2d and
F.global_avg_pool2d."""

from .. import functional as F
from ..functional.checks import pool_padding, pool_pair
from ..functional.pooling import adaptive_output_size
from .module import Module


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False):
        super().__init__()
        # Checked now, as the other layers' arguments are; kept as given, as PyTorch keeps them.
        name = type(self).__name__
        kernel = pool_pair(name, "kernel_size", kernel_size, 1)
        if stride is not None:
            pool_pair(name, "stride", stride, 1)
        pool_padding(name, kernel, pool_pair(name, "padding", padding, 0))
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Largest value in each kernel_size window: (N, C, H, W) -> (N, C, H_out, W_out), as
    `torch.nn.MaxPool2d`.

    Args: kernel_size, stride (default: kernel_size), padding, dilation, each an int or a
    pair; return_indices (must be False); ceil_mode. Output size as `F.max_pool2d`:
    H_out = (H + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1, rounded up
    with ceil_mode=True.
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__(kernel_size, stride, padding, ceil_mode)
        pool_pair("MaxPool2d", "dilation", dilation, 1)
        if return_indices:
            raise NotImplementedError("MaxPool2d: return_indices=True is not supported in "
                                      "minigrad; leave it False")
        self.dilation, self.return_indices = dilation, return_indices

    def forward(self, x):
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode)

    def extra_repr(self):
        return f"{super().extra_repr()}, dilation={self.dilation}, ceil_mode={self.ceil_mode}"


class AvgPool2d(_Pool2d):
    """Mean of each kernel_size window: (N, C, H, W) -> (N, C, H_out, W_out), as
    `torch.nn.AvgPool2d`.

    Args: kernel_size, stride, padding, ceil_mode as `MaxPool2d`; count_include_pad (count
    the padded zeros in the average, default True); divisor_override (divide by this int
    instead). Output size as `F.avg_pool2d`.
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, as `torch.nn.AdaptiveAvgPool2d`:
    (N, C, H, W) or (C, H, W) -> (..., H_out, W_out).

    Args: output_size, an int or a pair (None keeps that input size); the windows are
    `F.adaptive_avg_pool2d`'s.
    """

    def __init__(self, output_size):
        super().__init__()
        adaptive_output_size("AdaptiveAvgPool2d", output_size)  # checked now, kept as given
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class GlobalAvgPool2d(Module):
    """Mean over each whole feature map: (N, C, H, W) -> (N, C, 1, 1), as
    `torch.nn.AdaptiveAvgPool2d(1)`. Follow it with `Flatten()` for a linear classifier."""

    def forward(self, x):
        return F.global_avg_pool2d(x)
