"""Array layouts that turn a convolution into matrix products (used by ops/conv.py).

A convolution is a dot product between the kernel and every patch of the input. Lay each
patch out as one column of a matrix ("im2col") and the whole convolution is one matrix
product, which BLAS runs near the machine's peak:

    cols[(di, dj, c), (n, i, j)] = x_pad[n, c, i * sh + di * dh, j * sw + dj * dw]
    y[o, (n, i, j)] = sum_(di, dj, c) w[o, (di, dj, c)] * cols[(di, dj, c), (n, i, j)]

Layout choices, all for speed:
- The padded input is stored channel-major, (C, N, H, W), so each row of `cols` is one long
  run of (n, i, j) and the output comes out as (C_out, N * H_out * W_out).
- Rows are ordered (di, dj, c) rather than (c, di, dj): then the weights of one kernel offset
  are one contiguous block of columns of W, which is what `add_patch_products` (col2im) uses.
- With stride 1 there is no patch matrix at all ("shifted views"): each channel's images
  are flattened one after the other into one row F, and output position p reads offset
  (di, dj) at F[p + di dh W_slot + dj dw] (W_slot the length of one image row in F). So the
  row block of `cols` for one offset is F[:, off : off + L], a plain slice whose rows are
  contiguous: BLAS multiplies it in place, and Y = sum over offsets of W_(di, dj) @ that
  slice, kH kW products and no copy (`shifted_products`). Why: with few channels the 9x
  patch copy, not the multiply-adds, was the time (S1, 16 channels at 32x32: patches
  3-4.7 ms + product 2.8 ms, shifted products 2.8 ms).
  The zero padding is shared: one gap of zeros after each image row serves as the right
  padding of that row and the left padding of the next (reading left of column 0 lands in
  the gap before it), and the gap rows after an image are the bottom padding of that image
  and the top padding of the next. Output positions in the gaps wrap around; they are
  computed and dropped. A 3x3 kernel with padding 1 has gaps of 1: (17 x 17) / (16 x 16) =
  13% extra at 16x16, where separate padding (18 x 18) costs 27%.
- Small feature maps (ResNet's 8x8, 4x4 and 2x2 on the digits) get a third layout, batch last:
  the padded input is (C, H_pad, W_pad, N) and the columns of `cols` are ordered (i, j, n).
  Then the N images of one pixel are one contiguous run, so every copy moves runs of N floats
  whatever the map size, and no column is wasted. (The shifted views would spend over half
  their columns on wrap-around at 4x4, and the plain (C, N, H, W) one copies runs of W_out floats,
  2 or 4 here, which costs numpy far more per float than long runs.) For large maps the batch
  last layout loses: the shifted views waste few columns there, while moving N to the last
  axis and back is a transpose, in and out of every conv, of arrays too big for the cache.
  See `batch_last_patches`, and `skewed_batch` for a cache trap in that transpose.

The depthwise convolution has no channel sum to feed a matrix product, so it uses a different
trick: along the width, filtering a row with a 1-D kernel is a product with a banded
(Toeplitz) matrix (`band_matrices`), and a window of kH rows (`row_windows`) times kH such
bands stacked is the whole 2-D filter, for every output column of that row at once.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def conv_output_size(hw, kernel, stride, padding, dilation):
    """(H_out, W_out) as PyTorch: floor((H + pad_top + pad_bottom - d (k - 1) - 1) / s) + 1."""
    return tuple(
        (n + before + after - d * (k - 1) - 1) // s + 1
        for n, k, s, (before, after), d in zip(hw, kernel, stride, padding, dilation)
    )


def pad_channel_major(x, padding):
    """x (N, C, H, W) -> a zero-padded copy laid out (C, N, H_pad, W_pad).

    padding is ((top, bottom), (left, right)).
    """
    n, c, h, w = x.shape
    (top, bottom), (left, right) = padding
    padded = np.zeros((c, n, h + top + bottom, w + left + right), dtype=x.dtype)
    padded[:, :, top:top + h, left:left + w] = x.transpose(1, 0, 2, 3)
    return padded


def pad_flat(x, gaps, lead=0, tail=0):
    """x (N, C, H, W) -> (C, lead + N (H + gh) (W + gw) + tail), zeros but for x: each channel's
    images one after the other in one row, each image in a slot of H + gh rows of W + gw,
    at its top left; `lead` zeros before the first slot and `tail` after the last. The layout
    of `shifted_products`; gaps is (gh, gw).
    """
    n, c, h, w = x.shape
    slot = (h + gaps[0], w + gaps[1])
    flat = np.zeros((c, lead + n * slot[0] * slot[1] + tail), dtype=x.dtype)
    slots = flat[:, lead:lead + n * slot[0] * slot[1]].reshape((c, n) + slot)
    slots[:, :, :h, :w] = x.transpose(1, 0, 2, 3)
    return flat


def shift_offsets(kernel, dilation, row_length):
    """Where kernel offset (di, dj) reads in `pad_flat`'s rows, relative to where offset
    (0, 0) reads: di dh row_length + dj dw, in (di, dj) order. The last is the reach: how far
    past the last output position the reads go."""
    (kh, kw), (dh, dw) = kernel, dilation
    return [di * dh * row_length + dj * dw for di in range(kh) for dj in range(kw)]


def shifted_products(w_offsets, flat, offsets, length):
    """Y = sum_k w_offsets[k] @ flat[:, offsets[k] : offsets[k] + length], per group.

    w_offsets: (kH kW, groups, M, C/groups); flat: (C, >= offsets[-1] + length) as from
    `pad_flat`. Returns (groups, M, length). Each slice is a view with contiguous rows, which
    BLAS reads where it lies: this is im2col's matrix product without building `cols`.
    """
    groups, m = w_offsets.shape[1:3]
    rows = flat.reshape(groups, flat.shape[0] // groups, -1)
    y = np.matmul(w_offsets[0], rows[:, :, offsets[0]:offsets[0] + length])
    term = np.empty_like(y)
    for w_k, start in zip(w_offsets[1:], offsets[1:]):
        np.add(y, np.matmul(w_k, rows[:, :, start:start + length], out=term), out=y)
    return y


def shifted_weight_products(g, flat, offsets, kernel):
    """The weight gradient of `shifted_products`: for each offset k,
    G @ flat[:, offsets[k] : offsets[k] + L]^T, per group.

    g: (groups, M, L); flat as in `shifted_products`; offsets from `shift_offsets`, kernel
    (kH, kW). Returns (kH kW, groups, M, C/groups).

    The kW offsets of one kernel row read flat shifted by dj dw, so kW shifted copies of
    flat, stacked as rows (dj, c), turn the kW products of one kernel row into one, with kW
    times the rows: kH products (kW C/groups x L) @ (L x M) instead of kH kW products with
    C/groups rows. With few channels and L in the tens of thousands, OpenBLAS runs the
    taller products far faster (S1, 16 channels: 5.4 -> 2.6 ms on its AVX-512 kernel,
    2.75 -> 2.5 ms on AVX2), which pays for the copies.
    """
    groups, m, length = g.shape
    kh, kw = kernel
    rows = flat.reshape(groups, flat.shape[0] // groups, -1)
    c_group = rows.shape[1]
    row_starts, shifts = offsets[::kw], offsets[:kw]  # (di, 0), and dj dw in every row
    reach = length + row_starts[-1]
    if kw == 1:
        stacked = rows
    else:
        stacked = np.empty((groups, kw, c_group, reach), dtype=flat.dtype)
        for dj, shift in enumerate(shifts):
            stacked[:, dj] = rows[:, :, shift:shift + reach]
        stacked = stacked.reshape(groups, kw * c_group, reach)
    g_t = g.transpose(0, 2, 1)
    per_row = np.stack([np.matmul(stacked[:, :, start:start + length], g_t)
                        for start in row_starts])  # (kH, groups, kW C/groups, M)
    per_row = per_row.reshape(kh, groups, kw, c_group, m).transpose(0, 2, 1, 4, 3)
    return per_row.reshape(kh * kw, groups, m, c_group)


def crop_to_nchw(padded, padding, hw):
    """The inverse layout of `pad_channel_major`: (C, N, H_pad, W_pad) -> (N, C, H, W) copy."""
    (top, _), (left, _) = padding
    inner = padded[:, :, top:top + hw[0], left:left + hw[1]]
    return np.ascontiguousarray(inner.transpose(1, 0, 2, 3))


def _offset_view(padded, di, dj, stride, dilation, out_hw):
    """The elements kernel offset (di, dj) meets at every output position, a strided view
    (C, N, H_out, W_out)."""
    (sh, sw), (dh, dw), (oh, ow) = stride, dilation, out_hw
    top, left = di * dh, dj * dw
    return padded[:, :, top:top + sh * (oh - 1) + 1:sh, left:left + sw * (ow - 1) + 1:sw]


def patches(padded, kernel, stride, dilation, out_hw, groups=1):
    """im2col: every receptive field of `padded` (C, N, H_pad, W_pad) as one column.

    Returns a contiguous array (groups, kH * kW * C/groups, N * H_out * W_out). Row
    (di, dj, c) of group g holds input channel g * C/groups + c. Used for strides above 1
    (stride 1 needs no patch matrix: see `shifted_products`).

    One strided view covers every (group, offset, channel, n, i, j) at once, and a single
    copy turns it into the matrix: no Python loop over pixels.
    """
    c, n, _, _ = padded.shape
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out_hw
    c_group = c // groups
    s_c, s_n, s_h, s_w = padded.strides
    view = as_strided(
        padded,
        shape=(groups, kh, kw, c_group, n, oh, ow),
        strides=(c_group * s_c, dh * s_h, dw * s_w, s_c, s_n, sh * s_h, sw * s_w),
        writeable=False,
    )
    return np.ascontiguousarray(view).reshape(groups, kh * kw * c_group, -1)


def add_patch_products(w_rows, g, padded_shape, kernel, stride, dilation, out_hw):
    """col2im(W^T @ G), the input gradient of `patches` then W @ cols, one kernel offset at
    a time, so that the big (kH kW Cg, N H_out W_out) matrix W^T @ G is never built.

    w_rows: (groups, C_out/groups, kH * kW * Cg), g: (groups, C_out/groups, N * H_out * W_out)
    in `patches`' layout. For each offset (di, dj), W[:, :, (di, dj)]^T @ G is what each
    input pixel read by that offset gets back; pixels read by several offsets add up.
    Returns (C, N, H_pad, W_pad), zeros where nothing was read.
    """
    c, n = padded_shape[:2]
    (kh, kw), (oh, ow) = kernel, out_hw
    groups, per_group = w_rows.shape[:2]
    offsets = w_rows.reshape(groups, per_group, kh, kw, -1)
    out = np.zeros(padded_shape, dtype=g.dtype)
    block = np.empty((groups, c // groups, g.shape[2]), dtype=g.dtype)
    for di in range(kh):
        for dj in range(kw):
            np.matmul(offsets[:, :, di, dj].transpose(0, 2, 1), g, out=block)
            target = _offset_view(out, di, dj, stride, dilation, out_hw)
            target += block.reshape(c, n, oh, ow)
    return out


def skewed_batch(x):
    """A copy of x (N, ...), same shape and values, whose examples lie x[0].size + 16 elements
    apart in memory instead of x[0].size: the source to move the batch axis last from.

    Why: that transpose reads one element of every example in turn, x[0].size elements apart.
    When that distance is a multiple of 4 KiB (C H W = 1024 floats: ResNet's 16 x 8 x 8 maps)
    all N reads map to the same few sets of the CPU's L1 cache, which keep only 8 of them,
    and the transpose ran 5x slower (0.28 ms instead of 0.06 for a batch of 128 on 2 cores).
    The extra contiguous copy costs much less than it saves; it helps other sizes 2-3x too.
    """
    n = x.shape[0]
    per_example = x[0].size
    rows = np.empty((n, per_example + 16), dtype=x.dtype)
    skewed = rows[:, :per_example].reshape(x.shape)
    skewed[...] = x
    return skewed


def pad_batch_last(x, padding):
    """x (N, C, H, W) -> a zero-padded copy laid out (C, H_pad, W_pad, N), the batch last.

    padding is ((top, bottom), (left, right)).
    """
    n, c, h, w = x.shape
    (top, bottom), (left, right) = padding
    padded = np.zeros((c, h + top + bottom, w + left + right, n), dtype=x.dtype)
    padded[:, top:top + h, left:left + w] = skewed_batch(x).transpose(1, 2, 3, 0)
    return padded


def crop_batch_last(padded, padding, hw):
    """The inverse layout of `pad_batch_last`: (C, H_pad, W_pad, N) -> (N, C, H, W) copy."""
    (top, _), (left, _) = padding
    inner = padded[:, top:top + hw[0], left:left + hw[1]]
    return np.ascontiguousarray(inner.transpose(3, 0, 1, 2))


def batch_last_patches(padded, kernel, stride, dilation, out_hw, groups=1):
    """im2col in the batch-last layout: `padded` (C, H_pad, W_pad, N) -> a contiguous
    (groups, kH * kW * C/groups, H_out * W_out * N):

        cols[g, (di, dj, c), (i, j, n)] = padded[g C/groups + c, i sh + di dh, j sw + dj dw, n]

    Rows as in `patches`; the columns run over the batch fastest, so the copy moves runs of N.
    """
    c, _, _, n = padded.shape
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out_hw
    c_group = c // groups
    s_c, s_h, s_w, s_n = padded.strides
    view = as_strided(
        padded,
        shape=(groups, kh, kw, c_group, oh, ow, n),
        strides=(c_group * s_c, dh * s_h, dw * s_w, s_c, sh * s_h, sw * s_w, s_n),
        writeable=False,
    )
    return np.ascontiguousarray(view).reshape(groups, kh * kw * c_group, -1)


def add_batch_last_patches(cols_grad, padded_shape, kernel, stride, dilation, out_hw):
    """col2im for the batch-last layout, the adjoint of `batch_last_patches`.

    cols_grad (groups, kH * kW * Cg, H_out * W_out * N) -> (C, H_pad, W_pad, N): each entry is
    added to the pixel it was read from (pixels read by several offsets add up; zeros where
    nothing was read). One strided add per kernel offset, each over the whole batch.
    """
    c, h_pad, w_pad, n = padded_shape
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out_hw
    groups = cols_grad.shape[0]
    per_offset = cols_grad.reshape(groups, kh, kw, c // groups, oh, ow, n)
    out = np.zeros(padded_shape, dtype=cols_grad.dtype)
    grouped = out.reshape(groups, c // groups, h_pad, w_pad, n)
    for di in range(kh):
        for dj in range(kw):
            top, left = di * dh, dj * dw
            grouped[:, :, top:top + sh * (oh - 1) + 1:sh, left:left + sw * (ow - 1) + 1:sw] += (
                per_offset[:, di, dj])
    return out


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
