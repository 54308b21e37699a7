"""conv2d on small feature maps: im2col with the batch last. Chosen (kernels/dispatch.py) for
output maps of at most `batch_last_positions` pixels (ResNet's 8 x 8, 4 x 4 and 2 x 2 on the
digits: the maps the report trains on) whose patch matrix fits in `patch_bytes`.

The padded input is laid out (C, H_pad, W_pad, N) and the columns of im2col's `cols` are
ordered (i, j, n):

    cols[g, (di, dj, c), (i, j, n)] = x_pad[n, g Cg + c, i sh + di dh, j sw + dj dw]

Then the N images of one pixel are one contiguous run, so every copy moves runs of N floats
whatever the map size, and no column is wasted. The shifted views would spend over half
their columns on wrap-around at 4 x 4, and im2col's (C, N, H, W) layout copies runs of W_out
floats (2 or 4 here), which costs numpy far more per float than long runs. Measured on 2
cores, forward + backward: resnet20's 2x2, 4x4 and 8x8 maps (batch 128) 2.8x, 1.7x and
1.2x faster than im2col; against the shifted views, bench_conv's S3 (8 x 8, 64 channels)
and DIG (8 x 8, 16 channels) are 1.4x faster batch last; DIG on the reference kernel: 13 ms,
here 1.7 ms. For large maps it loses: moving N
last and back is a transpose, in and out of every conv, of arrays too big for the cache.

The formulas are im2col's (Y = W @ cols, dL/dW = G @ cols^T), with col2im as one strided add
per kernel offset after the whole W^T @ G (`add_batch_last_patches`): that matrix is the
patch matrix's size, which the choice keeps within `patch_bytes`.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .im2col import times_transposed, weight_from_rows, weight_rows, with_bias
from .reference import conv_output_size


def forward(x, weight, bias, stride, padding, dilation, groups, needs):
    """conv2d(x, weight, bias) and what `backward` needs; needs = (dL/dx?, dL/dw?)."""
    n, c_out, kernel = x.shape[0], weight.shape[0], weight.shape[2:]
    out_hw = conv_output_size(x.shape[2:], kernel, stride, padding, dilation)
    w_rows = weight_rows(weight, groups)
    padded = pad_batch_last(x, padding)
    cols = batch_last_patches(padded, kernel, stride, dilation, out_hw, groups)
    y = np.matmul(w_rows, cols)  # (groups, C_out/groups, H_out W_out N)
    state = dict(geometry=(x.shape, kernel, stride, padding, dilation, out_hw),
                 w_rows=w_rows, padded_shape=padded.shape, cols=cols if needs[1] else None)
    return with_bias(y.reshape((c_out,) + out_hw + (n,)).transpose(3, 0, 1, 2), bias), state


def backward(state, grad, needs):
    """(dL/dx, dL/dw) from `forward`'s state and g = dL/dy, None where not needed."""
    x_shape, kernel, stride, padding, dilation, out_hw = state["geometry"]
    w_rows = state["w_rows"]
    groups = w_rows.shape[0]
    g = _batch_last_rows(grad, groups)
    grad_x = grad_w = None
    if needs[0]:
        cols_grad = np.matmul(w_rows.transpose(0, 2, 1), g)
        grad_padded = add_batch_last_patches(cols_grad, state["padded_shape"], kernel, stride,
                                             dilation, out_hw)
        grad_x = crop_batch_last(grad_padded, padding, x_shape[2:])
    if needs[1]:
        grad_w = weight_from_rows(times_transposed(g, state["cols"]), kernel,
                                  x_shape[1] // groups)
    return grad_x, grad_w


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
    """x (N, C, H, W) -> a zero-padded copy laid out (C, H_pad, W_pad, N)."""
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
    (groups, kH kW C/groups, H_out W_out N), rows as im2col's, the batch fastest."""
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
    """col2im for the batch-last layout, the adjoint of `batch_last_patches`:
    (groups, kH kW Cg, H_out W_out N) -> (C, H_pad, W_pad, N), each entry added to the pixel
    it was read from. One strided add per kernel offset, each over the whole batch."""
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


def _batch_last_rows(grad, groups):
    """g (N, C, H, W) -> (groups, C/groups, H W N), the layout of Y (transposed from a
    `skewed_batch` copy: see there why)."""
    c = grad.shape[1]
    g = np.ascontiguousarray(skewed_batch(grad).transpose(1, 2, 3, 0))
    return g.reshape(groups, c // groups, -1)
