"""The transposed convolution, as `torch.nn.functional.conv_transpose2d` (the op:
ops/conv.py, which runs conv2d's input gradient forward and conv2d backward)."""

from ..ops.conv import ConvTranspose2d
from .checks import feature_map, int_pair, positive_int, same_dtype
from .conv import _check_bias, _check_weight


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution over NCHW input, as `torch.nn.functional.conv_transpose2d`:
    the adjoint of conv2d, which maps a conv2d's output shape back to its input shape (an
    upsampling layer with stride > 1).

    Args:
        input: Tensor (N, C_in, H, W), floating point.
        weight: Tensor (C_in, C_out / groups, kH, kW) (the layout of the conv2d it transposes).
        bias: Tensor (C_out,) or None.
        stride, dilation: an int or a pair, each >= 1.
        padding: an int or a pair >= 0, cut from each side of the output.
        output_padding: an int or a pair added to the bottom and right of the output's size,
            each smaller than the stride or the dilation (it picks among the input sizes that
            a strided conv2d maps to the same output size).
        groups: as conv2d.

    Returns:
        Tensor (N, C_out, H_out, W_out),
        H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + output_padding + 1.
        Formula and VJP: see `ConvTranspose2d`.
    """
    op = "conv_transpose2d"
    x_shape = feature_map(op, input, "input")
    w_shape = _check_weight(op, weight, "weight", "(C_in, C_out/groups, kH, kW)")
    same_dtype(op, input, weight=weight, bias=bias)
    groups = positive_int(op, "groups", groups)
    if w_shape[0] != x_shape[1] or x_shape[1] % groups:
        raise ValueError(f"{op}: weight {w_shape} must be (C_in, C_out/groups, kH, kW) with C_in "
                         f"= {x_shape[1]} (the input's channels) divisible by groups={groups}")
    stride = int_pair(op, "stride", stride, 1)
    padding = int_pair(op, "padding", padding, 0)
    output_padding = int_pair(op, "output_padding", output_padding, 0)
    dilation = int_pair(op, "dilation", dilation, 1)
    check_output_padding(op, output_padding, stride, dilation)
    out_hw = tuple((n - 1) * s - 2 * p + d * (k - 1) + o + 1 for n, s, p, d, k, o in zip(
        x_shape[2:], stride, padding, dilation, w_shape[2:], output_padding))
    if min(out_hw) < 1:
        raise ValueError(f"{op}: the output would be {out_hw} for input H, W = {x_shape[2:]}; "
                         f"padding {padding} cuts more than the transposed convolution makes")
    _check_bias(op, bias, w_shape[1] * groups)
    inputs = (input, weight) if bias is None else (input, weight, bias)
    return ConvTranspose2d.apply(*inputs, stride=stride, padding=tuple((p, p) for p in padding),
                                 dilation=dilation, groups=groups, out_hw=out_hw)


def check_output_padding(op, output_padding, stride, dilation):
    """PyTorch's rule, on (h, w) pairs: each output_padding below the stride or the dilation."""
    if any(o >= s and o >= d for o, s, d in zip(output_padding, stride, dilation)):
        raise ValueError(f"{op}: output_padding must be smaller than the stride or the dilation, "
                         f"got output_padding {output_padding} with stride {stride} and "
                         f"dilation {dilation}")


def output_padding_for(op, input_hw, output_size, kernel, stride, padding, dilation):
    """PyTorch's rule for `ConvTranspose2d.forward(input, output_size)`: the output_padding
    (h, w) that gives output_size ((H, W), or the full (N, C, H, W)), each between the
    smallest output, (H - 1) stride - 2 padding + dilation (kH - 1) + 1, and that plus
    stride - 1."""
    sizes = tuple(output_size)
    if len(sizes) == 4:
        sizes = sizes[2:]
    if len(sizes) != 2:
        raise ValueError(f"{op}: output_size must have 2 or 4 elements, got {output_size!r}")
    smallest = [(n - 1) * s - 2 * p + d * (k - 1) + 1
                for n, s, p, d, k in zip(input_hw, stride, padding, dilation, kernel)]
    largest = [low + s - 1 for low, s in zip(smallest, stride)]
    if not all(low <= size <= high for size, low, high in zip(sizes, smallest, largest)):
        raise ValueError(f"{op}: requested an output size of {list(sizes)}, but valid sizes "
                         f"range from {smallest} to {largest} (for an input of size "
                         f"{list(input_hw)})")
    return tuple(int(size) - low for size, low in zip(sizes, smallest))
