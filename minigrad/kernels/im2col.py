"""conv2d as one matrix product: im2col. Chosen (kernels/dispatch.py) for strides above 1 on
maps larger than 8 x 8; the shifted views serve stride 1, batch_last.py the small maps.

A convolution is a dot product between the kernel and every patch of the input. Lay each
patch out as one column of a matrix and the whole convolution is one matrix product per
group, which BLAS runs near the machine's peak, instead of `reference.conv2d`'s kH kW small
products (bench_conv S4, stride 2, 16 -> 32 channels at 32 x 32, forward + backward: 35 ms
on the reference kernel, 8 ms here; `bench_conv.py --kernels reference` times the former):

    cols[(di, dj, c), (n, i, j)] = x_pad[n, c, i sh + di dh, j sw + dj dw]
    Y = W @ cols,   W[o, (di, dj, c)] = w[o, c, di, dj]
    VJP:  dL/dW = G @ cols^T;   dL/dx = col2im(W^T @ G)

Layout choices, all for speed:
- The padded input is stored channel-major, (C, N, H, W), so each row of `cols` is one long
  run of (n, i, j) and the output comes out as (C_out, N H_out W_out).
- Rows are ordered (di, dj, c) rather than (c, di, dj): then the weights of one kernel offset
  are one contiguous block of columns of W, which col2im (`add_patch_products`) uses to add
  W_(di, dj)^T @ G into the pixels offset (di, dj) read, one offset at a time, without ever
  building the (kH kW Cg, N H_out W_out) matrix W^T @ G.
- The patch matrix is kH kW times the input. Above `patch_bytes` (dispatch.py) it is built
  and multiplied a few kernel rows at a time and not kept: backward builds the pieces again
  from the padded input. Slower (the patches are copied twice), but memory stays near the
  input's.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .reference import conv_output_size


def forward(x, weight, bias, stride, padding, dilation, groups, needs, patch_bytes):
    """conv2d(x, weight, bias) and what `backward` needs; needs = (dL/dx?, dL/dw?)."""
    n, c_out, kernel = x.shape[0], weight.shape[0], weight.shape[2:]
    out_hw = conv_output_size(x.shape[2:], kernel, stride, padding, dilation)
    w_rows = weight_rows(weight, groups)
    padded = pad_channel_major(x, padding)
    pieces = _kernel_row_pieces(padded, kernel, out_hw[0] * out_hw[1], patch_bytes)
    y = None
    for rows, cols in _patch_pieces(padded, pieces, kernel, stride, dilation, out_hw, groups):
        term = np.matmul(w_rows[:, :, rows], cols)  # (groups, C_out/groups, N H_out W_out)
        y = term if y is None else np.add(y, term, out=y)
    # For dL/dW: the patch matrix when it was built whole, else the padded input, from which
    # backward builds the pieces again.
    saved = cols if len(pieces) == 1 else padded
    state = dict(geometry=(x.shape, kernel, stride, padding, dilation, out_hw, pieces),
                 w_rows=w_rows, padded_shape=padded.shape,
                 saved_input=saved if needs[1] else None)
    y = y.reshape((c_out, n) + out_hw)
    return with_bias(y.transpose(1, 0, 2, 3), bias), state


def backward(state, grad, needs):
    """(dL/dx, dL/dw) from `forward`'s state and g = dL/dy, None where not needed."""
    x_shape, kernel, stride, padding, dilation, out_hw, pieces = state["geometry"]
    w_rows = state["w_rows"]
    groups = w_rows.shape[0]
    g = channel_major(grad, groups)
    grad_x = grad_w = None
    if needs[0]:
        grad_padded = add_patch_products(w_rows, g, state["padded_shape"], kernel, stride,
                                         dilation, out_hw)
        grad_x = crop_to_nchw(grad_padded, padding, x_shape[2:])
    if needs[1]:
        if len(pieces) == 1:
            grad_rows = times_transposed(g, state["saved_input"])
        else:
            grad_rows = np.concatenate([
                times_transposed(g, cols) for _, cols in _patch_pieces(
                    state["saved_input"], pieces, kernel, stride, dilation, out_hw, groups)
            ], axis=2)
        grad_w = weight_from_rows(grad_rows, kernel, x_shape[1] // groups)
    return grad_x, grad_w


# ----- the pieces -------------------------------------------------------------------------

def with_bias(y, bias):
    """y, a view with axes in NCHW order (any memory layout) -> a C-contiguous copy, plus the
    bias: the copy every layout needs anyway, with the bias added in the same pass."""
    out = np.empty(y.shape, dtype=y.dtype)
    if bias is None:
        np.copyto(out, y)
    else:
        np.add(y, bias.reshape(-1, 1, 1).astype(y.dtype, copy=False), out=out)
    return out


def weight_rows(weight, groups):
    """(C_out, Cg, kH, kW) -> per group (C_out/groups, kH kW Cg), columns in cols' row order."""
    c_out, c_group, kh, kw = weight.shape
    return weight.transpose(0, 2, 3, 1).reshape(groups, c_out // groups, kh * kw * c_group)


def weight_from_rows(grad_rows, kernel, c_group):
    """The inverse of `weight_rows`: (groups, C_out/groups, kH kW Cg) -> (C_out, Cg, kH, kW)."""
    c_out = grad_rows.shape[0] * grad_rows.shape[1]
    return grad_rows.reshape(c_out, *kernel, c_group).transpose(0, 3, 1, 2)


def times_transposed(g, cols):
    """G @ cols^T per group: (groups, C_out/groups, L), (groups, K, L) -> (groups, C_out/groups,
    K). Computed as (cols @ G^T)^T, the same numbers: OpenBLAS runs this orientation 15-20%
    faster for these short-and-wide operands (measured on 2 cores, L in the thousands)."""
    return np.matmul(cols, g.transpose(0, 2, 1)).transpose(0, 2, 1)


def channel_major(grad, groups):
    """g (N, C, H, W) -> (groups, C/groups, N H W), the layout of Y."""
    c = grad.shape[1]
    return np.ascontiguousarray(grad.transpose(1, 0, 2, 3)).reshape(groups, c // groups, -1)


def pad_channel_major(x, padding):
    """x (N, C, H, W) -> a zero-padded copy laid out (C, N, H_pad, W_pad)."""
    n, c, h, w = x.shape
    (top, bottom), (left, right) = padding
    padded = np.zeros((c, n, h + top + bottom, w + left + right), dtype=x.dtype)
    padded[:, :, top:top + h, left:left + w] = x.transpose(1, 0, 2, 3)
    return padded


def crop_to_nchw(padded, padding, hw):
    """The inverse layout of `pad_channel_major`: (C, N, H_pad, W_pad) -> (N, C, H, W) copy."""
    (top, _), (left, _) = padding
    inner = padded[:, :, top:top + hw[0], left:left + hw[1]]
    return np.ascontiguousarray(inner.transpose(1, 0, 2, 3))


def patches(padded, kernel, stride, dilation, out_hw, groups=1):
    """im2col: every receptive field of `padded` (C, N, H_pad, W_pad) as one column.

    Returns a contiguous array (groups, kH kW C/groups, N H_out W_out); row (di, dj, c) of
    group g holds input channel g C/groups + c. One strided view covers every (group, offset,
    channel, n, i, j) at once, and a single copy turns it into the matrix.
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
    """col2im(W^T @ G), one kernel offset at a time: W_(di, dj)^T @ G is what each pixel read
    by offset (di, dj) gets back; pixels read by several offsets add up.

    w_rows: (groups, C_out/groups, kH kW Cg); g: (groups, C_out/groups, N H_out W_out).
    Returns (C, N, H_pad, W_pad), zeros where nothing was read.
    """
    c, n = padded_shape[:2]
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out_hw
    groups, per_group = w_rows.shape[:2]
    offsets = w_rows.reshape(groups, per_group, kh, kw, -1)
    out = np.zeros(padded_shape, dtype=g.dtype)
    block = np.empty((groups, c // groups, g.shape[2]), dtype=g.dtype)
    for di in range(kh):
        for dj in range(kw):
            np.matmul(offsets[:, :, di, dj].transpose(0, 2, 1), g, out=block)
            top, left = di * dh, dj * dw
            target = out[:, :, top:top + sh * (oh - 1) + 1:sh, left:left + sw * (ow - 1) + 1:sw]
            target += block.reshape(c, n, oh, ow)
    return out


def _kernel_row_pieces(padded, kernel, positions_per_image, patch_bytes):
    """The kernel rows as consecutive ranges, each making a patch matrix of <= patch_bytes
    (its rows are ordered (di, dj, c), so the rows of one kernel row are one block)."""
    c, n = padded.shape[:2]
    row_bytes = kernel[1] * c * n * positions_per_image * padded.itemsize
    per_piece = max(1, patch_bytes // row_bytes)
    return [(start, min(start + per_piece, kernel[0]))
            for start in range(0, kernel[0], per_piece)]


def _patch_pieces(padded, pieces, kernel, stride, dilation, out_hw, groups):
    """Yield (columns of W, patch matrix) for each range of kernel rows in `pieces`."""
    kw = kernel[1]
    c_group = padded.shape[0] // groups
    for first, last in pieces:
        cols = patches(padded[:, :, first * dilation[0]:], (last - first, kw), stride, dilation,
                       out_hw, groups)
        yield slice(first * kw * c_group, last * kw * c_group), cols
