"""Batch norm's per-channel sums in the rows layout. Chosen (kernels/dispatch.py) for every
batch_norm call outside the reference kernel set; the formulas are `reference.batch_norm`'s.

An (N, C, H, W) array is viewed as rows (N, C H W): one row per example, channel c's H W
values in columns c HW ... (c + 1) HW - 1. Two rearrangements make batch norm fast on
ResNet's small maps:
- A per-channel sum adds the N contiguous rows first, one vectorized pass, then sums the
  small (C, H W) result along its rows (`_channel_sum`). numpy's reduce over the axes
  (0, 2, 3) at once walks the array in a slower order: 5-10x slower for (128, C, 8 x 8 or
  smaller) maps, where this sum was much of batch norm's time.
- A per-channel scaling multiplies whole contiguous rows by the channel's value repeated
  over its columns (`_spread`), instead of broadcasting (1, C, 1, 1) over runs of H W
  floats: at 8 x 8, 4 x 4 and 2 x 2 those runs are 64, 16 or 4 floats, and numpy's per-run
  overhead made each pass 1.3-4x slower.
The backward also works in place in one scratch buffer, where the reference makes a new
array per term.
"""

import numpy as np


def forward(x, gamma, beta, eps, stats=None):
    """As `reference.batch_norm`: (y, (xhat as rows, inv_std), mean, var)."""
    channels = x.shape[1]
    rows = x.reshape(x.shape[0], -1)
    pixels = rows.shape[1] // channels  # H W, or 1 for (N, C)
    if stats is None:
        n = x.size // channels
        mean = _channel_sum(rows, channels) / n
        centered = rows - _spread(mean, pixels)
        var = _channel_sum(np.square(centered), channels) / n  # biased: it normalizes
    else:
        mean, var = (s.astype(x.dtype, copy=False) for s in stats)
        centered = rows - _spread(mean, pixels)
    inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
    xhat = centered
    xhat *= _spread(inv_std, pixels)
    y = xhat * _spread(gamma, pixels)
    y += _spread(beta, pixels)
    return y.reshape(x.shape), (xhat, inv_std), mean, var


def backward(grad, saved, gamma, training):
    """As `reference.batch_norm_grad`: (dL/dx, dL/dgamma, dL/dbeta)."""
    xhat, inv_std = saved
    channels = grad.shape[1]
    g = grad.reshape(grad.shape[0], -1)
    pixels = g.shape[1] // channels
    sum_g = _channel_sum(g, channels)
    product = g * xhat
    sum_g_xhat = _channel_sum(product, channels)
    scale = _spread(gamma * inv_std, pixels)
    if training:
        # gamma inv_std (g - mean(g) - xhat mean(g xhat)), in place in the buffer of g xhat,
        # no longer needed.
        n = grad.size // channels
        gx = np.multiply(xhat, _spread(sum_g_xhat / n, pixels), out=product)
        np.subtract(g, gx, out=gx)
        gx -= _spread(sum_g / n, pixels)
        gx *= scale
    else:
        gx = g * scale
    return gx.reshape(grad.shape), sum_g_xhat, sum_g


def _channel_sum(rows, channels):
    """The per-channel sum over the batch and the pixels of `rows` (N, C H W) -> (C,)."""
    return np.add.reduce(rows, axis=0).reshape(channels, -1).sum(axis=1)


def _spread(values, pixels):
    """(C,) -> (C pixels,): each channel's value repeated over its columns of a row."""
    return np.repeat(values, pixels)
