"""Pooling: max_pool2d, avg_pool2d, adaptive_avg_pool2d (ops/pooling.py) and
global_avg_pool2d, a mean over (H, W).

Output size, as PyTorch (`kernels.reference.pool_geometry`):
H_out = (H + 2 pad_h - dilation_h (kH - 1) - 1) // stride_h + 1, rounded up instead with
ceil_mode=True, as long as the last window starts inside the input or the top padding.
"""

from ..kernels.reference import avg_pool_divisor, pool_geometry
from ..ops.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from ..ops.reduction import Mean
from .checks import array_of, feature_map, is_int, pool_padding, pool_pair


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max pooling over NCHW input, as `torch.nn.functional.max_pool2d`.

    Args:
        input: Tensor (N, C, H, W), floating point.
        kernel_size: window size, an int or (kH, kW).
        stride: step between windows, an int or a pair; defaults to kernel_size.
        padding: -inf rows/columns added on each side, an int or a pair, at most half the kernel.
        dilation: step between the elements of a window, an int or a pair.
        ceil_mode: round the output size up (module docstring): a last window that hangs
            over the edge takes the max of what it covers.
        return_indices: must be False (minigrad does not return the argmax indices).

    Returns:
        Tensor (N, C, H_out, W_out).
    """
    op = "max_pool2d"
    if return_indices:
        raise NotImplementedError(f"{op}: return_indices=True is not supported in minigrad; "
                                  f"leave it False")
    kernel, stride, padding, dilation, _ = _pool_params(op, input, kernel_size, stride, padding,
                                                        dilation, ceil_mode)
    return MaxPool2d.apply(input, kernel_size=kernel, stride=stride, padding=padding,
                           dilation=dilation)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Average pooling over NCHW input, as `torch.nn.functional.avg_pool2d`.

    Args:
        input: Tensor (N, C, H, W), floating point.
        kernel_size: window size, an int or (kH, kW).
        stride: step between windows, an int or a pair; defaults to kernel_size.
        padding: zero rows/columns added on each side, an int or a pair, at most half the kernel.
        ceil_mode: round the output size up (module docstring); a last window that hangs over
            the padded input averages only what it covers.
        count_include_pad: count the padded zeros in each average (True) or divide by the
            number of input elements in the window (False).
        divisor_override: a nonzero int to divide every window's sum by instead.

    Returns:
        Tensor (N, C, H_out, W_out).
    """
    op = "avg_pool2d"
    kernel, stride, full_padding, _, out_hw = _pool_params(op, input, kernel_size, stride, padding,
                                                           1, ceil_mode)
    if divisor_override is not None:
        if not is_int(divisor_override):
            raise TypeError(f"{op}: divisor_override must be an int or None, got "
                            f"{divisor_override!r}")
        if divisor_override == 0:
            raise ValueError(f"{op}: divisor_override must not be zero")
        divisor = array_of(float(divisor_override)).reshape(1, 1)
    else:
        padding = tuple(before for before, _ in full_padding)
        divisor = avg_pool_divisor(array_of(input).shape[2:], kernel, stride, padding, out_hw,
                                   bool(count_include_pad))
    return AvgPool2d.apply(input, kernel_size=kernel, stride=stride, padding=full_padding,
                           divisor=divisor)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a given output size, as `torch.nn.functional.adaptive_avg_pool2d`.

    Args:
        input: Tensor (N, C, H, W) or (C, H, W), floating point, H and W >= 1.
        output_size: (H_out, W_out), an int for both, or a pair whose None entries keep the
            input's size. Any size >= 0: window i of H_out covers rows
            floor(i H / H_out) to ceil((i + 1) H / H_out) - 1, so windows may differ in size
            and overlap when H_out does not divide H.

    Returns:
        Tensor (..., H_out, W_out). Formula and VJP: see `AdaptiveAvgPool2d`.
    """
    op = "adaptive_avg_pool2d"
    data = array_of(input)
    if data.ndim not in (3, 4) or 0 in data.shape[-3:]:
        raise ValueError(f"{op}: input must be 3-D (C, H, W) or 4-D (N, C, H, W) with C, H, "
                         f"W >= 1, got shape {data.shape}")
    if data.dtype.kind != "f":
        raise TypeError(f"{op}: input must be a floating-point tensor, got dtype {data.dtype}")
    sizes = tuple(n if s is None else s
                  for s, n in zip(adaptive_output_size(op, output_size), data.shape[-2:]))
    return AdaptiveAvgPool2d.apply(input, output_size=sizes)


def adaptive_output_size(op, output_size):
    """An int, or a pair of ints >= 0 or None -> (H_out or None, W_out or None)."""
    sizes = (output_size, output_size) if output_size is None or is_int(output_size) else (
        output_size)
    if not (isinstance(sizes, (tuple, list)) and len(sizes) == 2
            and all(s is None or is_int(s) for s in sizes)):
        raise TypeError(f"{op}: output_size must be an int or a pair of ints or None "
                        f"(H_out, W_out), got {output_size!r}")
    if any(s is not None and s < 0 for s in sizes):
        raise ValueError(f"{op}: output_size must be >= 0, got {output_size!r}")
    return tuple(None if s is None else int(s) for s in sizes)


def global_avg_pool2d(x):
    """Mean over each whole feature map: (N, C, H, W) -> (N, C, 1, 1).

    The (N, C, 1, 1) shape matches `torch.nn.AdaptiveAvgPool2d(1)`; follow it with a flatten
    to get (N, C) features for a linear classifier. It is a mean over axes (2, 3), so its
    gradient, g / (H * W) spread over each map, comes from the Mean op.
    """
    feature_map("global_avg_pool2d", x)
    return Mean.apply(x, axis=(2, 3), keepdims=True)


def _pool_params(op, x, kernel_size, stride, padding, dilation, ceil_mode):
    """Validate pooling arguments as PyTorch does; return the (kernel, stride, full padding,
    dilation, out_hw) the ops take, padding as ((top, bottom), (left, right))."""
    shape = feature_map(op, x)
    kernel = pool_pair(op, "kernel_size", kernel_size, 1)
    stride = kernel if stride is None else pool_pair(op, "stride", stride, 1)
    padding = pool_pair(op, "padding", padding, 0)
    dilation = pool_pair(op, "dilation", dilation, 1)
    pool_padding(op, kernel, padding)
    out_hw, full_padding = pool_geometry(shape[2:], kernel, stride, padding, dilation,
                                         bool(ceil_mode))
    if min(out_hw) < 1:
        padded = (shape[2] + 2 * padding[0], shape[3] + 2 * padding[1])
        extent = "" if dilation == (1, 1) else (
            f" (extent {tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))} with "
            f"dilation {dilation})")
        raise ValueError(
            f"{op}: kernel_size {kernel}{extent} is larger than the padded input {padded} "
            f"(input H, W = {shape[2:]} plus padding {padding} on each side)"
        )
    return kernel, stride, full_padding, dilation, out_hw
