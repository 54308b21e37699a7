"""The residual connection y = F(x) + x (He et al., 2015) and the shortcuts used when F
changes the shape: a 1x1 projection (option B) or zero channels (option A).

Why the skip helps gradients flow: with y = F(x) + x,

    dL/dx = dL/dy * (dF/dx + 1)

The "+1" carries dL/dy to x unchanged however small dF/dx has become, so a deep stack of
residual blocks never multiplies the gradient down to nothing. `skip_add` can switch that
one term off (shortcut_grad=False) to show what happens without it (op: ops/residual.py).
"""

from ..ops.residual import SkipAdd
from ..ops.shape import GetItem, Pad
from .checks import bounded_number, feature_map, int_pair, is_int, shape_of
from .conv import pointwise_conv2d


def skip_add(x, fx, *, shortcut_scale=1.0, shortcut_grad=True):
    """The residual sum y = fx + shortcut_scale * x.

    Args:
        x: the block's input (the shortcut), any shape.
        fx: the residual branch's output F(x), same shape as x. When F changes the shape, bring
            x to it first with `shortcut_projection` or `zero_pad_shortcut`.
        shortcut_scale: multiplies the shortcut in forward and its gradient in backward.
        shortcut_grad: True (the default) gives the true gradient, dL/dx = shortcut_scale * g
            from this op. False is an ABLATION, deliberately NOT the true gradient: the
            forward is unchanged, but no gradient flows back through the shortcut, which
            removes exactly the "+1" term of dL/dx = dL/dy * (dF/dx + 1). x still receives
            dL/dy * dF/dx through F's graph. Use it to plot how much the shortcut carries.

    Returns:
        Tensor of x's shape.
    """
    if shape_of(x) != shape_of(fx):
        raise ValueError(
            f"skip_add: x (the shortcut) has shape {shape_of(x)} but fx (the residual branch) "
            f"has shape {shape_of(fx)}; they must match. If the branch changes channels or "
            f"stride, pass x through shortcut_projection or zero_pad_shortcut first"
        )
    bounded_number("skip_add", "shortcut_scale", shortcut_scale)
    return SkipAdd.apply(
        x, fx, shortcut_scale=float(shortcut_scale), shortcut_grad=bool(shortcut_grad)
    )


def _subsample(op, x, stride):
    """x[:, :, ::stride_h, ::stride_w]: the positions a 1x1 kernel with this stride visits."""
    sh, sw = int_pair(op, "stride", stride, 1)
    if (sh, sw) == (1, 1):
        return x
    return GetItem.apply(x, index=(slice(None), slice(None), slice(None, None, sh),
                                   slice(None, None, sw)))


def shortcut_projection(x, weight, stride=1):
    """Projection shortcut, option B of He et al.: y = W x, a 1x1 convolution with stride.

    Equal to `conv2d(x, weight, stride=stride)` with a 1x1 kernel (no bias, no padding),
    computed as a pointwise convolution of x[:, :, ::stride, ::stride]: a 1x1 kernel only
    ever looks at those positions. Differentiable through the slice and the convolution.

    Args:
        x: Tensor (N, C_in, H, W).
        weight: Tensor (C_out, C_in, 1, 1).
        stride: an int or a pair (stride_h, stride_w).

    Returns:
        Tensor (N, C_out, ceil(H / stride_h), ceil(W / stride_w)).
    """
    shape = feature_map("shortcut_projection", x)
    w_shape = shape_of(weight)
    if len(w_shape) != 4 or w_shape[2:] != (1, 1):
        raise ValueError(
            f"shortcut_projection: weight must be 4-D (C_out, C_in, 1, 1), got shape {w_shape}"
        )
    if w_shape[1] != shape[1]:
        raise ValueError(
            f"shortcut_projection: weight expects C_in={w_shape[1]} channels but x has "
            f"{shape[1]} (shape {shape})"
        )
    return pointwise_conv2d(_subsample("shortcut_projection", x, stride), weight)


def zero_pad_shortcut(x, out_channels, stride=1):
    """Parameter-free shortcut, option A of He et al.: subsample, then add zero channels.

    y[:, :C] = x[:, :, ::stride, ::stride] and y[:, C:] = 0: the new channels all go AFTER
    the existing ones, so channel c of the output is channel c of the input. Differentiable
    through the slice and the padding (the zero channels send no gradient back).

    Args:
        x: Tensor (N, C, H, W).
        out_channels: C_out >= C.
        stride: an int or a pair (stride_h, stride_w).

    Returns:
        Tensor (N, out_channels, ceil(H / stride_h), ceil(W / stride_w)).
    """
    shape = feature_map("zero_pad_shortcut", x)
    if not is_int(out_channels):
        raise TypeError(
            f"zero_pad_shortcut: out_channels must be an int, got {out_channels!r}"
        )
    if out_channels < shape[1]:
        raise ValueError(
            f"zero_pad_shortcut: out_channels must be >= the input's {shape[1]} channels "
            f"(it only adds zero channels), got {out_channels}"
        )
    y = _subsample("zero_pad_shortcut", x, stride)
    if out_channels == shape[1]:
        return y
    return Pad.apply(y, pad_width=((0, 0), (0, int(out_channels) - shape[1]), (0, 0), (0, 0)))
