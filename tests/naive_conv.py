"""A convolution written straight from its definition, one multiply-add at a time, and its
vector-Jacobian product the same way. Slow on purpose: an independent check, on tiny shapes,
of every kernel conv2d runs on, minigrad/kernels/reference.py (a loop over kernel offsets)
and the fast kernels beside it.

Padding is ((top, bottom), (left, right)); stride and dilation are (h, w) pairs.
"""

import numpy as np


def _padded(x, padding):
    (top, bottom), (left, right) = padding
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))


def output_size(hw, kernel, stride, padding, dilation):
    return tuple((n + a + b - d * (k - 1) - 1) // s + 1
                 for n, k, s, (a, b), d in zip(hw, kernel, stride, padding, dilation))


def _taps(x_shape, w_shape, stride, padding, dilation, groups):
    """Every (n, o, i, j, c, di, dj, row, col) with y[n, o, i, j] += w[o, c, di, dj] *
    x_pad[n, group(o) * C_in/groups + c, row, col]."""
    n_batch, c_in = x_shape[:2]
    c_out, c_group, kh, kw = w_shape
    (sh, sw), (dh, dw) = stride, dilation
    oh, ow = output_size(x_shape[2:], (kh, kw), stride, padding, dilation)
    per_group = c_out // groups
    for n in range(n_batch):
        for o in range(c_out):
            first_channel = (o // per_group) * c_group
            for i in range(oh):
                for j in range(ow):
                    for c in range(c_group):
                        for di in range(kh):
                            for dj in range(kw):
                                yield (n, o, i, j, first_channel + c, c, di, dj,
                                       i * sh + di * dh, j * sw + dj * dw)


def conv2d(x, w, b=None, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1):
    """y[n, o, i, j] = b[o] + sum_(c, di, dj) w[o, c, di, dj] x_pad[n, g Cg + c, i sh + di dh,
    j sw + dj dw], one term at a time."""
    xp = _padded(x, padding)
    oh, ow = output_size(x.shape[2:], w.shape[2:], stride, padding, dilation)
    y = np.zeros((x.shape[0], w.shape[0], oh, ow))
    for n, o, i, j, channel, c, di, dj, row, col in _taps(x.shape, w.shape, stride, padding,
                                                          dilation, groups):
        y[n, o, i, j] += w[o, c, di, dj] * xp[n, channel, row, col]
    if b is not None:
        y += np.asarray(b).reshape(1, -1, 1, 1)
    return y


def conv2d_vjp(x, w, g, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1):
    """(dL/dx, dL/dw, dL/db) for upstream gradient g: every term w * x of the forward sends
    g * x to w and g * w to x."""
    xp = _padded(x, padding)
    grad_xp = np.zeros_like(xp, dtype=np.float64)
    grad_w = np.zeros(w.shape)
    for n, o, i, j, channel, c, di, dj, row, col in _taps(x.shape, w.shape, stride, padding,
                                                          dilation, groups):
        grad_w[o, c, di, dj] += g[n, o, i, j] * xp[n, channel, row, col]
        grad_xp[n, channel, row, col] += g[n, o, i, j] * w[o, c, di, dj]
    (top, _), (left, _) = padding
    grad_x = grad_xp[:, :, top:top + x.shape[2], left:left + x.shape[3]]
    return grad_x, grad_w, g.sum(axis=(0, 2, 3))
