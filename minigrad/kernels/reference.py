"""The reference kernels: each convolution, pooling and batch norm written straight from its
definition. Read this file first; every fast kernel beside it computes the same numbers.

Numpy in, numpy out: no Tensor, no graph. Conventions, as PyTorch: x is (N, C, H, W); a conv
weight is (C_out, C_in / groups, kH, kW); padding is ((top, bottom), (left, right)); stride
and dilation are (h, w) pairs; a convolution is a cross-correlation (no kernel flip).

One idea carries the whole file. Fix a kernel offset (di, dj). The input pixels it meets at
all the output positions (i, j) at once,

    x_pad[:, :, i sh + di dh, j sw + dj dw]      for i < H_out, j < W_out,

form one strided slice of the padded input (`_window`). So a convolution is a loop over the
kH kW offsets, one product over channels each, and its two gradients are the same loop with
the product turned around: no Python loop over images, channels or pixels.
"""

import numpy as np


def conv_output_size(hw, kernel, stride, padding, dilation):
    """(H_out, W_out) as PyTorch: floor((H + top + bottom - d (k - 1) - 1) / s) + 1."""
    return tuple((n + before + after - d * (k - 1) - 1) // s + 1
                 for n, k, s, (before, after), d in zip(hw, kernel, stride, padding, dilation))


def pad(x, padding, value=0.0):
    """x (N, C, H, W) with `value` rows and columns added: padding ((top, bottom), (l, r)).
    x itself when there is no padding (no copy)."""
    if not any(map(any, padding)):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(padding), constant_values=value)


def _window(padded, di, dj, stride, dilation, out_hw):
    """What offset (di, dj) meets at every output position: a view (..., H_out, W_out)."""
    (sh, sw), (dh, dw), (oh, ow) = stride, dilation, out_hw
    return padded[..., di * dh:di * dh + sh * (oh - 1) + 1:sh,
                  dj * dw:dj * dw + sw * (ow - 1) + 1:sw]


def _by_group(a, groups):
    """(N, C, ...) -> (N, groups, C / groups, ...): channel g Cg + c is [:, g, c]."""
    return a.reshape(a.shape[0], groups, a.shape[1] // groups, *a.shape[2:])


# ----- the convolution ---------------------------------------------------------------------

def conv2d(x, weight, bias, stride, padding, dilation, groups):
    """y[n, o, i, j] = b[o] + sum_(c, di, dj) w[o, c, di, dj] x_pad[n, g Cg + c, i sh + di dh,
                                                                   j sw + dj dw]

    where g is output channel o's group and Cg = C_in / groups: each group of output channels
    sees only its own group of input channels. One product over channels per kernel offset.
    VJP: `conv2d_input_grad` and `conv2d_weight_grad`; dL/db = sum of g over n, i, j.
    """
    c_out, c_group, kh, kw = weight.shape
    out_hw = conv_output_size(x.shape[2:], (kh, kw), stride, padding, dilation)
    x_pad = _by_group(pad(x, padding), groups)
    w = weight.reshape(groups, c_out // groups, c_group, kh, kw)
    y = np.zeros((x.shape[0], groups, c_out // groups) + out_hw,
                 dtype=np.result_type(x, weight))
    for di, dj in np.ndindex(kh, kw):
        seen = _window(x_pad, di, dj, stride, dilation, out_hw)  # (N, groups, Cg, H_out, W_out)
        y += np.einsum("goc,ngcij->ngoij", w[..., di, dj], seen)
    y = y.reshape(x.shape[0], c_out, *out_hw)
    if bias is not None:
        y += bias.reshape(-1, 1, 1)
    return y


def conv2d_input_grad(grad, weight, x_shape, stride, padding, dilation, groups):
    """dL/dx for y = conv2d(x, weight, ...) and upstream gradient g = dL/dy:

        dL/dx_pad[n, g Cg + c, i sh + di dh, j sw + dj dw] += sum_o w[o, c, di, dj] g[n, o, i, j]

    Each offset sends g back through its weights to the pixels it read; pixels read by several
    offsets add up; then the padding is cut away. (Summed over the offsets this is a
    convolution of g, spread by the stride, with the flipped kernel: the "full" convolution.)
    """
    c_out, c_group, kh, kw = weight.shape
    (top, bottom), (left, right) = padding
    n, c_in, h, w_in = x_shape
    g = _by_group(grad, groups)
    w = weight.reshape(groups, c_out // groups, c_group, kh, kw)
    grad_pad = np.zeros((n, groups, c_group, h + top + bottom, w_in + left + right),
                        dtype=grad.dtype)
    for di, dj in np.ndindex(kh, kw):
        target = _window(grad_pad, di, dj, stride, dilation, grad.shape[2:])
        target += np.einsum("goc,ngoij->ngcij", w[..., di, dj], g)
    inner = grad_pad.reshape(n, c_in, *grad_pad.shape[3:])[:, :, top:top + h, left:left + w_in]
    return np.ascontiguousarray(inner)  # not a view that keeps the padded array alive


def conv2d_weight_grad(grad, x, weight_shape, stride, padding, dilation, groups):
    """dL/dw for y = conv2d(x, w, ...):  dL/dw[o, c, di, dj] = sum_(n, i, j) g[n, o, i, j]
    x_pad[n, g Cg + c, i sh + di dh, j sw + dj dw]: each weight meets what it multiplied."""
    c_out, c_group, kh, kw = weight_shape
    x_pad = _by_group(pad(x, padding), groups)
    g = _by_group(grad, groups)
    grad_w = np.zeros((groups, c_out // groups, c_group, kh, kw), dtype=grad.dtype)
    for di, dj in np.ndindex(kh, kw):
        seen = _window(x_pad, di, dj, stride, dilation, grad.shape[2:])
        grad_w[..., di, dj] = np.einsum("ngoij,ngcij->goc", g, seen)
    return grad_w.reshape(weight_shape)


# Depthwise is the groups = C case: weight (C m, 1, kH, kW), m filters per channel, and no
# channel sum (Cg = 1). Pointwise is a 1 x 1 kernel: conv2d(x, w, b, (1, 1), no padding, ...).

# ----- pooling -----------------------------------------------------------------------------

def pool_geometry(hw, kernel, stride, padding, dilation, ceil_mode):
    """(out_hw, full_padding) of a pooling call, as PyTorch: per axis, with p the padding,

        out = floor((n + 2 p - d (k - 1) - 1 + (s - 1 if ceil_mode else 0)) / s) + 1,

    less one when ceil_mode would start the last window in the right padding ((out - 1) s
    >= n + p). full_padding is ((top, bottom), (left, right)): the bottom and right grow past
    p when ceil_mode lets the last window hang over the padded input."""
    out_hw, full = [], []
    for n, k, s, p, d in zip(hw, kernel, stride, padding, dilation):
        out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (out - 1) * s >= n + p:
            out -= 1
        out_hw.append(out)
        full.append((p, max(p, (out - 1) * s + d * (k - 1) + 1 - n - p)))
    return tuple(out_hw), tuple(full)


def avg_pool_divisor(hw, kernel, stride, padding, out_hw, count_include_pad):
    """What each average divides by, (H_out, W_out), as PyTorch: the window's size cut at the
    padded input's edge (a ceil_mode window hanging over it is smaller), or with
    count_include_pad=False only the window's input elements. Separable: rows times columns."""
    counts = []
    for n, k, s, p, out in zip(hw, kernel, stride, padding, out_hw):
        start = np.arange(out) * s - p
        end = np.minimum(start + k, n + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        counts.append(end - start)
    return np.outer(*counts)


def max_pool2d(x, kernel, stride, padding, dilation):
    """y[n, c, i, j] = max over (di, dj) of x_pad[n, c, i sh + di dh, j sw + dj dw], padded
    with -inf (padding ((top, bottom), (left, right)), as `pool_geometry` gives it).

    Returns (y, argmax): argmax[n, c, i, j] is the offset index di kW + dj that won the window
    (the first of tied maxima, as PyTorch), all the backward needs. Offset k takes over where
    it beats the maximum of offsets 0 ... k - 1, so a running np.maximum of k keeps the last
    take-over, which is the winner. A NaN propagates and wins its window, the last NaN of
    several, as in PyTorch. VJP: `max_pool2d_grad`.
    """
    padded = pad(x, padding, -np.inf)
    out_hw = conv_output_size(x.shape[2:], kernel, stride, padding, dilation)
    offsets = list(np.ndindex(*kernel))
    best = _window(padded, *offsets[0], stride, dilation, out_hw).copy()
    index_type = np.min_scalar_type(len(offsets) - 1)
    argmax = np.zeros(best.shape, dtype=index_type)
    has_nan = np.isnan(x).any()
    for k, (di, dj) in enumerate(offsets[1:], start=1):
        candidate = _window(padded, di, dj, stride, dilation, out_hw)
        takes_over = candidate > best
        if has_nan:  # NaN > anything is False, yet PyTorch lets each NaN take over
            takes_over |= np.isnan(candidate)
        np.maximum(argmax, takes_over * index_type.type(k), out=argmax)
        np.maximum(best, candidate, out=best)
    return best, argmax


def _unpad(grad_pad, padding, hw):
    (top, _), (left, _) = padding
    return np.ascontiguousarray(grad_pad[:, :, top:top + hw[0], left:left + hw[1]])


def _padded_zeros(x_shape, padding, dtype):
    (top, bottom), (left, right) = padding
    return np.zeros(x_shape[:2] + (x_shape[2] + top + bottom, x_shape[3] + left + right), dtype)


def max_pool2d_grad(grad, argmax, x_shape, kernel, stride, padding, dilation):
    """VJP of max pooling: each g[n, c, i, j] goes to the element that won its window; an
    element that won several overlapping windows collects the sum of their gradients."""
    grad_pad = _padded_zeros(x_shape, padding, grad.dtype)
    routed = np.empty_like(grad)
    for k, (di, dj) in enumerate(np.ndindex(*kernel)):
        np.multiply(grad, argmax == k, out=routed)  # g where offset k won, else 0
        _window(grad_pad, di, dj, stride, dilation, grad.shape[2:])[...] += routed
    return _unpad(grad_pad, padding, x_shape[2:])


def avg_pool2d(x, kernel, stride, padding, divisor):
    """y[n, c, i, j] = sum over (di, dj) of x_pad[n, c, i sh + di, j sw + dj] / divisor[i, j],
    zero padded; `avg_pool_divisor` gives PyTorch's divisor. VJP: `avg_pool2d_grad`."""
    padded = pad(x, padding)
    out_hw = conv_output_size(x.shape[2:], kernel, stride, padding, (1, 1))
    total = np.zeros(x.shape[:2] + out_hw, dtype=x.dtype)
    for di, dj in np.ndindex(*kernel):
        total += _window(padded, di, dj, stride, (1, 1), out_hw)
    return total / divisor.astype(x.dtype)


def avg_pool2d_grad(grad, x_shape, kernel, stride, padding, divisor):
    """VJP of average pooling: each element gets g[i, j] / divisor[i, j] from every window
    (i, j) that holds it."""
    share = grad / divisor.astype(grad.dtype)
    grad_pad = _padded_zeros(x_shape, padding, grad.dtype)
    for di, dj in np.ndindex(*kernel):
        _window(grad_pad, di, dj, stride, (1, 1), grad.shape[2:])[...] += share
    return _unpad(grad_pad, padding, x_shape[2:])


def adaptive_pool_matrix(n, out, dtype):
    """(out, n) averaging matrix: row i holds 1 / (end - start) on PyTorch's window
    start = floor(i n / out), end = ceil((i + 1) n / out); the windows may overlap."""
    i = np.arange(out)
    start, end = (i * n) // out, -((-(i + 1) * n) // out)
    position = np.arange(n)
    inside = (position >= start[:, None]) & (position < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


# ----- batch normalization -----------------------------------------------------------------

def _per_channel(values, ndim):
    """(C,) -> a shape that broadcasts along axis 1 of an (N, C) or (N, C, H, W) array."""
    return values.reshape((1, -1) + (1,) * (ndim - 2))


def batch_norm(x, gamma, beta, eps, stats=None):
    """y = gamma xhat + beta with xhat = (x - mean) / sqrt(var + eps), per channel c, the
    statistics taken over every axis but the channel axis.

    stats: (mean, var) to normalize with (eval mode), or None to use the batch's own, with the
    biased variance (training mode). Returns (y, (xhat, inv_std), mean, var).
    VJP: `batch_norm_grad`.
    """
    axes = (0,) + tuple(range(2, x.ndim))
    if stats is None and x.size == 0:  # a batch of 0: no statistics, an empty y
        mean = var = np.full(x.shape[1], np.nan, dtype=x.dtype)
    elif stats is None:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
    else:
        mean, var = (s.astype(x.dtype, copy=False) for s in stats)
    inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
    xhat = (x - _per_channel(mean, x.ndim)) * _per_channel(inv_std, x.ndim)
    y = xhat * _per_channel(gamma, x.ndim) + _per_channel(beta, x.ndim)
    return y.astype(x.dtype, copy=False), (xhat, inv_std), mean, var


def batch_norm_grad(grad, saved, gamma, training):
    """VJP, with n values per channel and the sums over them:

        training:  dL/dx = gamma inv_std (g - mean(g) - xhat mean(g xhat))
        eval:      dL/dx = gamma inv_std g                 (mean and var are constants)
        dL/dgamma = sum(g xhat),   dL/dbeta = sum(g)

    In training the two subtracted means are what the batch mean and the batch variance,
    which depend on x, add to the plain scaling. Returns (dL/dx, dL/dgamma, dL/dbeta).
    """
    xhat, inv_std = saved
    axes = (0,) + tuple(range(2, grad.ndim))
    sum_g, sum_g_xhat = grad.sum(axis=axes), (grad * xhat).sum(axis=axes)
    scale = _per_channel(gamma * inv_std, grad.ndim)
    n = grad.size // max(grad.shape[1], 1)
    if not training or n == 0:  # (n = 0: an empty batch, nothing to centre)
        return grad * scale, sum_g_xhat, sum_g
    centered = grad - _per_channel(sum_g / n, grad.ndim) - xhat * _per_channel(sum_g_xhat / n,
                                                                              grad.ndim)
    return centered * scale, sum_g_xhat, sum_g


# ----- normalization over any axes (layer norm, group norm) --------------------------------

def normalize(x, axes, eps):
    """xhat = (x - mean) / sqrt(var + eps), the mean and the biased variance taken over
    `axes` (kept, so they broadcast). Returns (xhat, inv_std). Batch norm is the case
    axes = all but the channel axis. VJP: `normalize_grad`."""
    mean = x.mean(axis=axes, keepdims=True)
    inv_std = (1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)).astype(x.dtype, copy=False)
    return ((x - mean) * inv_std).astype(x.dtype, copy=False), inv_std


def normalize_grad(grad_xhat, xhat, inv_std, axes):
    """dL/dx for xhat = normalize(x, axes, eps) and u = dL/dxhat, over each group of n values:

        dL/dx = inv_std (u - mean(u) - xhat mean(u xhat))

    batch_norm_grad's training formula with gamma g in place of u (docs/derivations.md)."""
    mean_u = grad_xhat.mean(axis=axes, keepdims=True)
    mean_u_xhat = (grad_xhat * xhat).mean(axis=axes, keepdims=True)
    return inv_std * (grad_xhat - mean_u - xhat * mean_u_xhat)
