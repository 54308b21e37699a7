"""Pooling layers: thin modules around F.max_pool2d, F.avg_pool2d and F.global_avg_pool2d."""

from .. import functional as F
from ..functional.checks import int_pair, pool_padding
from .module import Module


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        # Checked now, as the other layers' arguments are; kept as given, as PyTorch keeps them.
        name = type(self).__name__
        kernel = int_pair(name, "kernel_size", kernel_size, 1)
        if stride is not None:
            int_pair(name, "stride", stride, 1)
        pool_padding(name, kernel, int_pair(name, "padding", padding, 0))
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Largest value in each kernel_size window: (N, C, H, W) -> (N, C, H_out, W_out).

    Args: kernel_size, stride (default: kernel_size), padding, each an int or a pair.
    H_out = (H + 2 * padding - kernel_size) // stride + 1 (PyTorch's ceil_mode=False).
    """

    def forward(self, x):
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        # PyTorch's MaxPool2d also prints its dilation and ceil_mode, here always 1 and False
        return super().extra_repr() + ", dilation=1, ceil_mode=False"


class AvgPool2d(_Pool2d):
    """Mean of each kernel_size window (padded zeros count): (N, C, H, W) -> (N, C, H_out, W_out).

    Args and output size as `MaxPool2d`.
    """

    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding)


class GlobalAvgPool2d(Module):
    """Mean over each whole feature map: (N, C, H, W) -> (N, C, 1, 1), as
    `torch.nn.AdaptiveAvgPool2d(1)`. Follow it with `Flatten()` for a linear classifier."""

    def forward(self, x):
        return F.global_avg_pool2d(x)
