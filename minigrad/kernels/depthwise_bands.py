"""The depthwise convolution as banded matrix products. Chosen (kernels/dispatch.py) for
every depthwise_conv2d call outside the reference kernel set.

A depthwise convolution has no channel sum to feed a matrix product (`reference.conv2d` with
groups = C does kH kW elementwise passes over the batch). The trick: along the width,
filtering a row with a 1-D kernel is a product with a banded (Toeplitz) matrix, and a window
of span = dh (kH - 1) + 1 rows times span such bands stacked is the whole 2-D filter, for
every output column of that row at once:

    Y_c = X_c @ B_c     X_c (N H_out, span W): the row windows of channel c (`row_windows`)
                        B_c (span W, m W_out):  its m filters as bands (`band_matrices`)

one batched matrix product over the channels. Most entries of B_c are zero: the product
spends span W multiply-adds per output instead of kH kW, yet BLAS runs it faster than the
elementwise passes (bench_conv D1, 32 channels at 16 x 16: 6.0x PyTorch's time before,
3.1-3.5x with the bands; the reference kernel, 8.4 ms against 3.7 here).

VJP:  dL/dx: row p of x_pad gets sum_d G_c[row (p - d) / sh] @ (row d of B_c's window)^T,
             the sum over the output rows whose window met row p. Laid out as windows of G's
             rows (spread sh apart, zeros between), Gw_c (N H, span m W_out), that is
             Gw_c @ (B_c's window rows in reverse order)^T: again one product per channel.
      dL/dB_c = X_c^T @ G_c, summed along each band into dL/dw (`band_gradient`); computed
             as Gw_c^T @ (x's rows of channel c), the same sums grouped by input row instead
             of output row, with the windows already made for dL/dx. So the op keeps x, not
             its windows (D1's training peak: 20.1 -> 12.4 MiB).

The products multiply zeros by whole rows, and 0 * inf = nan: a NaN or Inf would reach
outputs whose window never met it. So dispatch sends a non-finite x or weight to the
reference kernel, and `backward` takes a non-finite upstream gradient there too (the check,
np.isfinite(g).all(), costs about 3% of this backward at bench_conv D1's size).
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import reference
from .reference import conv_output_size


def forward(x, weight, bias, stride, padding, dilation, needs):
    """depthwise_conv2d(x, weight, bias) and what `backward` needs."""
    n, c, h, w = x.shape
    kernel = weight.shape[2:]
    (sh, sw), ((top, _), (left, _)) = stride, padding
    oh, ow = conv_output_size((h, w), kernel, stride, padding, dilation)
    span = dilation[0] * (kernel[0] - 1) + 1
    windows = row_windows(x.transpose(1, 0, 2, 3), span, oh, first=top,
                          step=sh).reshape(c, n * oh, span * w)
    bands = band_matrices(weight, c, dilation, sw, w, ow, left)
    y = np.matmul(windows, bands)  # (C, N H_out, m W_out)
    state = dict(geometry=(x.shape, padding, stride, dilation, kernel, (oh, ow)),
                 x=x if needs[1] else None, bands=bands if needs[0] else None,
                 weight=weight if needs[0] else None)
    m = weight.shape[0] // c
    # (C, N, H_out, m, W_out) -> (N, C, m, H_out, W_out)
    y = y.reshape(c, n, oh, m, ow).transpose(1, 0, 3, 2, 4)
    out = np.empty((n, c, m, oh, ow), dtype=y.dtype)
    if bias is None:
        np.copyto(out, y)
    else:
        np.add(y, bias.reshape(c, m, 1, 1).astype(y.dtype, copy=False), out=out)
    return out.reshape(n, c * m, oh, ow), state


def backward(state, grad, needs):
    """(dL/dx, dL/dw): the VJP of the module docstring."""
    if not np.isfinite(grad).all():
        return _reference_backward(state, grad, needs)
    (n, c, h, w), ((top, _), (left, _)), (sh, sw), dilation, kernel, (oh, ow) = state["geometry"]
    m = grad.shape[1] // c
    span = dilation[0] * (kernel[0] - 1) + 1
    # G_c: (C, N, H_out, m W_out), the rows of G per channel (a view when m = 1).
    g_rows = grad.reshape(n, c, m, oh, ow).transpose(1, 0, 3, 2, 4).reshape(c, n, oh, -1)
    if sh > 1:  # output row i was read from padded rows i sh ...: sh - 1 zero rows between
        spread = np.zeros((c, n, (oh - 1) * sh + 1, m * ow), dtype=grad.dtype)
        spread[:, :, ::sh] = g_rows
        g_rows = spread
    # Row y of x is row top + y of x_pad: its window's d-th row is (spread) row
    # top + y + d - (span - 1) of G, which met it through B_c's window row span - 1 - d.
    g_windows = row_windows(g_rows, span, h, first=span - 1 - top).reshape(c, n * h, -1)
    grad_x = grad_w = None
    if needs[0]:
        bands = state["bands"].reshape(c, span, w, m * ow)[:, ::-1].transpose(0, 1, 3, 2)
        grad_x = np.matmul(g_windows, bands.reshape(c, span * m * ow, w))
        grad_x = np.ascontiguousarray(grad_x.reshape(c, n, h, w).transpose(1, 0, 2, 3))
    if needs[1]:
        # Gw_c^T @ x's rows: (span m W_out, W) per channel, window rows in reverse order
        x_rows = np.ascontiguousarray(state["x"].transpose(1, 0, 2, 3)).reshape(c, n * h, w)
        per_window_row = np.matmul(g_windows.transpose(0, 2, 1), x_rows)
        grad_bands = per_window_row.reshape(c, span, m * ow, w)[:, ::-1].transpose(0, 1, 3, 2)
        grad_bands = grad_bands.reshape(c, span * w, m * ow)
        grad_w = band_gradient(grad_bands, kernel, dilation, sw, w, ow, left)
    return grad_x, grad_w


def _reference_backward(state, grad, needs):
    """The VJP on the reference kernel, where a NaN or Inf in g meets only what it should."""
    x_shape, padding, stride, dilation, kernel, _ = state["geometry"]
    channels, m = x_shape[1], grad.shape[1] // x_shape[1]
    grad_x = grad_w = None
    if needs[0]:
        grad_x = reference.conv2d_input_grad(grad, state["weight"], x_shape, stride, padding,
                                             dilation, channels)
    if needs[1]:
        grad_w = reference.conv2d_weight_grad(grad, state["x"], (channels * m, 1) + kernel,
                                              stride, padding, dilation, channels)
    return grad_x, grad_w


def row_windows(rows, span, count, first, step=1):
    """im2col over rows only: windows of `span` consecutive rows, zero past either end.

    rows (C, N, R, L) -> contiguous (C, N, count, span * L), where window i of image n is
    rows i * step - first, ..., i * step - first + span - 1 of rows[c, n], one after the
    other, and a row index outside [0, R) reads zeros: `first` zero rows of padding on top.

    A depthwise conv reads, for output row i, rows i sh - top ... of x (first = top padding,
    step = sh); its backward reads windows of G's rows. Inside an image, span consecutive
    rows are one contiguous run of memory, so the windows that lie wholly inside are one
    strided view, copied in long runs; only the few windows that reach into the padding are
    assembled row by row. The result is span times the data, not kH kW times as `patches`.
    """
    c, n, length, row = rows.shape
    rows = _with_contiguous_rows(rows)
    windows = np.empty((c, n, count, span * row), dtype=rows.dtype)
    inner_lo = min(count, max(0, -(-first // step)))
    inner_hi = max(inner_lo, min(count, (length - span + first) // step + 1))
    if inner_hi > inner_lo:
        start = rows[:, :, inner_lo * step - first:]
        s_c, s_n, s_row, s_x = start.strides
        windows[:, :, inner_lo:inner_hi] = as_strided(
            start, shape=(c, n, inner_hi - inner_lo, span * row),
            strides=(s_c, s_n, step * s_row, s_x), writeable=False)
    # The windows that reach into the padding: ceil(first / step) at the top, and about as
    # many as the bottom padding at the bottom (a loop over padding rows, not over pixels).
    for i in (*range(inner_lo), *range(inner_hi, count)):
        top_row = i * step - first
        window = windows[:, :, i].reshape(c, n, span, row)
        window[...] = 0
        lo, hi = max(0, -top_row), min(span, length - top_row)
        if lo < hi:
            window[:, :, lo:hi] = rows[:, :, top_row + lo:top_row + hi]
    return windows


def _with_contiguous_rows(rows):
    """rows itself if each image's rows (axes 2, 3) are one contiguous run, else a copy."""
    item = rows.itemsize
    if rows.strides[3] == item and rows.strides[2] == rows.shape[3] * item:
        return rows
    return np.ascontiguousarray(rows)


def _band_positions(kernel_w, stride_w, dilation_w, width_out):
    """(rows, cols) index arrays, each (kW, W_out): where tap dj meets output column j, in
    padded coordinates."""
    taps = np.arange(kernel_w)[:, None]
    columns = np.arange(width_out)[None, :]
    rows = columns * stride_w + taps * dilation_w
    return rows, np.broadcast_to(columns, rows.shape)


def _padded_width(kernel_w, stride_w, dilation_w, width, width_out, left):
    """A width that holds every column a tap meets (padded coordinates), left padding too."""
    return max(left + width, (width_out - 1) * stride_w + (kernel_w - 1) * dilation_w + 1)


def band_matrices(weight, channels, dilation, stride_w, width, width_out, left):
    """Depthwise filters as banded matrices, one per input channel.

    weight (C * m, 1, kH, kW) -> bands (C, span * W, m * W_out), span = dh (kH - 1) + 1:

        bands[c, (di dh, j sw + dj dw - left), (k, j)] = weight[c * m + k, 0, di, dj],  else 0

    so that a window of `span` rows of channel c (`row_windows`), flattened, @ bands[c]
    filters it with each of c's m filters at every output column j at once. Taps that fall
    on the left or right padding have no row: they would multiply zeros. Most entries are
    zero: the product spends span * W multiply-adds per output instead of kH * kW, yet BLAS
    runs it faster than kH * kW elementwise passes over the batch would.
    """
    _, _, kh, kw = weight.shape
    dh, dw = dilation
    m = weight.shape[0] // channels
    span = dh * (kh - 1) + 1
    padded = _padded_width(kw, stride_w, dw, width, width_out, left)
    bands = np.zeros((channels, span, padded, m, width_out), dtype=weight.dtype)
    rows, cols = _band_positions(kw, stride_w, dw, width_out)
    # Advanced indices on axes 2 and 4 put their (kW, W_out) shape first: (kW, W_out, C, kH, m).
    taps = weight.reshape(channels, m, kh, kw).transpose(3, 0, 2, 1)
    bands[:, ::dh][:, :, rows, :, cols] = taps[:, None]
    return np.ascontiguousarray(bands[:, :, left:left + width]).reshape(
        channels, span * width, m * width_out)


def band_gradient(grad_bands, kernel, dilation, stride_w, width, width_out, left):
    """The adjoint of `band_matrices`: gather each band's gradient back into the weight.

    grad_bands (C, span * W, m * W_out) -> (C * m, 1, kH, kW). A weight appears once in
    every output column's band, so its gradient is the sum over those W_out entries (the
    entries on the padding, which `band_matrices` left out, count as 0).
    """
    (kh, kw), (dh, dw) = kernel, dilation
    c = grad_bands.shape[0]
    m = grad_bands.shape[2] // width_out
    span = dh * (kh - 1) + 1
    padded = np.zeros((c, span, _padded_width(kw, stride_w, dw, width, width_out, left), m,
                       width_out), dtype=grad_bands.dtype)
    padded[:, :, left:left + width] = grad_bands.reshape(c, span, width, m, width_out)
    rows, cols = _band_positions(kw, stride_w, dw, width_out)
    per_tap = padded[:, ::dh][:, :, rows, :, cols]
    # per_tap: (kW, W_out, C, kH, m) -> sum over W_out -> (C, m, kH, kW)
    return per_tap.sum(axis=1).transpose(1, 3, 2, 0).reshape(c * m, 1, kh, kw)
