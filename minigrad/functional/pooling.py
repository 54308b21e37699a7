"""Pooling: max_pool2d, avg_pool2d (ops/pooling.py) and global_avg_pool2d, a mean over (H, W).

Output size, as PyTorch with ceil_mode=False: H_out = (H + 2 pad_h - kH) // stride_h + 1.
"""

from ..ops.pooling import AvgPool2d, MaxPool2d
from ..ops.reduction import Mean
from .checks import feature_map, int_pair, pool_padding


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max pooling over NCHW input, as `torch.nn.functional.max_pool2d` (ceil_mode=False).

    Args:
        x: Tensor (N, C, H, W), floating point.
        kernel_size: window size, an int or (kH, kW).
        stride: step between windows, an int or a pair; defaults to kernel_size.
        padding: -inf rows/columns added on each side, an int or a pair, at most half the kernel.

    Returns:
        Tensor (N, C, H_out, W_out), H_out = (H + 2 * pad_h - kH) // stride_h + 1.
    """
    kernel, stride, padding = _pool_params("max_pool2d", x, kernel_size, stride, padding)
    return MaxPool2d.apply(x, kernel_size=kernel, stride=stride, padding=padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Average pooling over NCHW input, as `torch.nn.functional.avg_pool2d` with its defaults
    (ceil_mode=False, count_include_pad=True: padded zeros count in the average).

    Args:
        x: Tensor (N, C, H, W), floating point.
        kernel_size: window size, an int or (kH, kW).
        stride: step between windows, an int or a pair; defaults to kernel_size.
        padding: zero rows/columns added on each side, an int or a pair, at most half the kernel.

    Returns:
        Tensor (N, C, H_out, W_out), H_out = (H + 2 * pad_h - kH) // stride_h + 1.
    """
    kernel, stride, padding = _pool_params("avg_pool2d", x, kernel_size, stride, padding)
    return AvgPool2d.apply(x, kernel_size=kernel, stride=stride, padding=padding)


def global_avg_pool2d(x):
    """Mean over each whole feature map: (N, C, H, W) -> (N, C, 1, 1).

    The (N, C, 1, 1) shape matches `torch.nn.AdaptiveAvgPool2d(1)`; follow it with a flatten
    to get (N, C) features for a linear classifier. It is a mean over axes (2, 3), so its
    gradient, g / (H * W) spread over each map, comes from the Mean op.
    """
    feature_map("global_avg_pool2d", x)
    return Mean.apply(x, axis=(2, 3), keepdims=True)


def _pool_params(op, x, kernel_size, stride, padding):
    """Validate pooling arguments as PyTorch does; return (kernel, stride, padding) pairs."""
    shape = feature_map(op, x)
    kernel = int_pair(op, "kernel_size", kernel_size, 1)
    stride = kernel if stride is None else int_pair(op, "stride", stride, 1)
    padding = int_pair(op, "padding", padding, 0)
    pool_padding(op, kernel, padding)
    padded = (shape[2] + 2 * padding[0], shape[3] + 2 * padding[1])
    if padded[0] < kernel[0] or padded[1] < kernel[1]:
        raise ValueError(
            f"{op}: kernel_size {kernel} is larger than the padded input {padded} (input H, W "
            f"= {shape[2:]} plus padding {padding} on each side)"
        )
    return kernel, stride, padding
