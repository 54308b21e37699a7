"""Pooling over NCHW feature maps: max pooling, average pooling, global average pooling.

Both window ops share one idea. For a kernel offset (di, dj), the input elements that offset
sees across *all* output positions form one strided slice of the padded input:

    padded[:, :, di : di + stride_h * (H_out - 1) + 1 : stride_h,
                 dj : dj + stride_w * (W_out - 1) + 1 : stride_w]      # shape (N, C, H_out, W_out)

So forward and backward loop over the kH * kW kernel offsets only, each step a whole-array
numpy operation; there is no Python loop over the batch, the channels or the pixels.

Output size, as PyTorch with ceil_mode=False:  H_out = (H + 2 * pad_h - kH) // stride_h + 1.
"""

import numpy as np

from ..function import Function
from .reduction import Mean


def int_pair(op, name, value):
    """An int or a pair of ints as an (h, w) tuple, or a TypeError naming the argument."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value), int(value)
    if (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)
    ):
        return int(value[0]), int(value[1])
    raise TypeError(f"{op}: {name} must be an int or a pair of ints (h, w), got {value!r}")


def _array(x):
    from ..tensor import Tensor

    return x.data if isinstance(x, Tensor) else np.asarray(x)


def check_feature_map(op, x):
    """x must be a floating-point NCHW array or Tensor; returns its shape."""
    data = _array(x)
    if data.ndim != 4:
        raise ValueError(f"{op}: x must be 4-D (N, C, H, W), got shape {data.shape}")
    if not np.issubdtype(data.dtype, np.floating):
        raise TypeError(f"{op}: x must be a floating-point tensor, got dtype {data.dtype}")
    return data.shape


def pool_params(op, x, kernel_size, stride, padding):
    """Validate pooling arguments as PyTorch does; return (kernel, stride, padding) pairs."""
    shape = check_feature_map(op, x)
    kernel = int_pair(op, "kernel_size", kernel_size)
    stride = kernel if stride is None else int_pair(op, "stride", stride)
    padding = int_pair(op, "padding", padding)
    if min(kernel) < 1:
        raise ValueError(f"{op}: kernel_size must be >= 1, got {kernel}")
    if min(stride) < 1:
        raise ValueError(f"{op}: stride must be >= 1, got {stride}")
    if min(padding) < 0:
        raise ValueError(f"{op}: padding must be >= 0, got {padding}")
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        # PyTorch's rule: with more padding, edge windows would lie mostly or wholly in it.
        raise ValueError(
            f"{op}: padding must be at most half of kernel_size, got padding {padding} for "
            f"kernel_size {kernel}"
        )
    padded = (shape[2] + 2 * padding[0], shape[3] + 2 * padding[1])
    if padded[0] < kernel[0] or padded[1] < kernel[1]:
        raise ValueError(
            f"{op}: kernel_size {kernel} is larger than the padded input {padded} (input H, W "
            f"= {shape[2:]} plus padding {padding} on each side)"
        )
    return kernel, stride, padding


def pool_output_size(hw, kernel, stride, padding):
    """(H_out, W_out) for input size hw = (H, W), as PyTorch with ceil_mode=False."""
    return tuple((n + 2 * p - k) // s + 1 for n, k, s, p in zip(hw, kernel, stride, padding))


def _pad_hw(x, padding, value):
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def _crop_hw(padded, padding, hw):
    ph, pw = padding
    if ph == 0 and pw == 0:
        return padded
    return padded[:, :, ph:ph + hw[0], pw:pw + hw[1]].copy()


def _offset_view(padded, di, dj, stride, out_hw):
    """The elements kernel offset (di, dj) covers at every output position (a strided view)."""
    (sh, sw), (oh, ow) = stride, out_hw
    return padded[:, :, di:di + sh * (oh - 1) + 1:sh, dj:dj + sw * (ow - 1) + 1:sw]


class MaxPool2d(Function):
    """y[n, c, i, j] = max of x over the window at (i, j); the input is padded with -inf.

    VJP: each g[n, c, i, j] goes to the one element that was the max of its window (the first
    one in row-major window order when several tie, as PyTorch); an input element that is the
    max of several overlapping windows collects the sum of their gradients.
    """

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        out_hw = pool_output_size(x.shape[2:], kernel_size, stride, padding)
        padded = _pad_hw(x, padding, -np.inf)
        offsets = list(np.ndindex(*kernel_size))
        best = _offset_view(padded, *offsets[0], stride, out_hw).copy()
        # argmax: which kernel offset won each window, a small integer per output element.
        # Offset k takes over where it beats the max of offsets 0..k-1 (strictly, so the first
        # of tied maxima stays). k grows through the loop, so the winner is the largest k
        # that took over: a running np.maximum, which is much faster than a masked write.
        index_dtype = np.min_scalar_type(len(offsets) - 1)
        argmax = np.zeros(best.shape, dtype=index_dtype)
        for k, (di, dj) in enumerate(offsets[1:], start=1):
            candidate = _offset_view(padded, di, dj, stride, out_hw)
            took_over = candidate > best
            np.maximum(argmax, took_over * index_dtype.type(k), out=argmax)
            np.maximum(best, candidate, out=best)  # a NaN propagates, as in PyTorch
        ctx.argmax = argmax
        ctx.geometry = x.shape, padded.shape, kernel_size, stride, padding
        return best

    @staticmethod
    def backward(ctx, grad):
        x_shape, padded_shape, kernel_size, stride, padding = ctx.geometry
        grad_padded = np.zeros(padded_shape, dtype=grad.dtype)
        routed = np.empty_like(grad)
        for k, (di, dj) in enumerate(np.ndindex(*kernel_size)):
            np.multiply(grad, ctx.argmax == k, out=routed)
            _offset_view(grad_padded, di, dj, stride, grad.shape[2:])[...] += routed
        return (_crop_hw(grad_padded, padding, x_shape[2:]),)


class AvgPool2d(Function):
    """y[n, c, i, j] = sum of x over the window at (i, j) / (kH * kW), zero padding counted.

    Padded zeros count in the divisor (PyTorch's count_include_pad=True default), so every
    window divides by kH * kW. VJP: each input element receives g / (kH * kW) from every
    window that contains it.
    """

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        out_hw = pool_output_size(x.shape[2:], kernel_size, stride, padding)
        padded = _pad_hw(x, padding, 0.0)
        total = np.zeros(x.shape[:2] + out_hw, dtype=x.dtype)
        for di, dj in np.ndindex(*kernel_size):
            total += _offset_view(padded, di, dj, stride, out_hw)
        ctx.geometry = x.shape, padded.shape, kernel_size, stride, padding
        return total / np.asarray(kernel_size[0] * kernel_size[1], dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x_shape, padded_shape, kernel_size, stride, padding = ctx.geometry
        share = grad / np.asarray(kernel_size[0] * kernel_size[1], dtype=grad.dtype)
        grad_padded = np.zeros(padded_shape, dtype=grad.dtype)
        for di, dj in np.ndindex(*kernel_size):
            _offset_view(grad_padded, di, dj, stride, grad.shape[2:])[...] += share
        return (_crop_hw(grad_padded, padding, x_shape[2:]),)


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
    kernel, stride, padding = pool_params("max_pool2d", x, kernel_size, stride, padding)
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
    kernel, stride, padding = pool_params("avg_pool2d", x, kernel_size, stride, padding)
    return AvgPool2d.apply(x, kernel_size=kernel, stride=stride, padding=padding)


def global_avg_pool2d(x):
    """Mean over each whole feature map: (N, C, H, W) -> (N, C, 1, 1).

    The (N, C, 1, 1) shape matches `torch.nn.AdaptiveAvgPool2d(1)`; follow it with a flatten
    to get (N, C) features for a linear classifier. It is a mean over axes (2, 3), so its
    gradient, g / (H * W) spread over each map, comes from the Mean op.
    """
    check_feature_map("global_avg_pool2d", x)
    return Mean.apply(x, axis=(2, 3), keepdims=True)
