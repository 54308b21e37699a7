"""Convolutions over NCHW feature maps: the standard one (with groups), depthwise, pointwise,
and the two factorized compositions built from them (spatial separable, depthwise separable).

Conventions, as PyTorch: x (N, C_in, H, W); weight (C_out, C_in / groups, kH, kW); the op is a
cross-correlation (the kernel is not flipped); zero padding;

    H_out = floor((H + pad_top + pad_bottom - dilation_h * (kH - 1) - 1) / stride_h) + 1.

Three ops carry their own forward and backward:
    Conv2d           im2col, then one matrix product per group (ops/im2col.py explains it);
                     with stride 1, one product per kernel offset on shifted views instead
    DepthwiseConv2d  one k x k filter per channel, no channel sum: banded matrix products
    PointwiseConv2d  a 1x1 kernel: one matrix product across channels at every pixel
The separable convolutions are compositions of these, so their gradients follow.
"""

import numpy as np

from ..function import Function
from .im2col import (add_batch_last_patches, add_patch_products, band_gradient, band_matrices,
                     batch_last_patches, conv_output_size, crop_batch_last, crop_to_nchw,
                     pad_batch_last, pad_channel_major, pad_flat, patches, row_windows,
                     shift_offsets, shifted_products, shifted_weight_products, skewed_batch)


# ----- argument checking ------------------------------------------------------------------

def _shape(x):
    from ..tensor import Tensor

    return tuple(np.shape(x.data if isinstance(x, Tensor) else x))


def _dtype(x):
    from ..tensor import Tensor

    return np.asarray(x.data if isinstance(x, Tensor) else x).dtype


def _pair(op, name, value, minimum):
    """An int or a pair of ints -> (h, w), each >= minimum."""
    def is_int(v):
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool)

    if is_int(value):
        pair = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(map(is_int, value)):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{op}: {name} must be an int or a pair of ints (h, w), got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return pair


def _padding(op, padding, kernel, stride, dilation):
    """int, pair, 'valid' or 'same' -> ((top, bottom), (left, right))."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"{op}: padding='same' needs stride 1, got stride {stride}")
            # As PyTorch: an odd total puts the extra row/column at the bottom/right.
            totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(f"{op}: padding must be an int, a pair, 'valid' or 'same', "
                         f"got {padding!r}")
    ph, pw = _pair(op, "padding", padding, 0)
    return (ph, ph), (pw, pw)


def _check_input(op, x, name="x"):
    shape = _shape(x)
    if len(shape) != 4:
        raise ValueError(f"{op}: {name} must be 4-D (N, C, H, W), got shape {shape}")
    if not np.issubdtype(_dtype(x), np.floating):
        raise TypeError(f"{op}: {name} must be a floating-point tensor, got dtype {_dtype(x)}")
    return shape


def _check_weight(op, weight, name, layout):
    shape = _shape(weight)
    if len(shape) != 4 or min(shape) < 1:
        raise ValueError(f"{op}: {name} must be 4-D {layout} with every size >= 1, "
                         f"got shape {shape}")
    return shape


def _check_bias(op, bias, channels, name="bias"):
    if bias is not None and _shape(bias) != (channels,):
        raise ValueError(f"{op}: {name} must have shape ({channels},), one per output channel, "
                         f"got {_shape(bias)}")


def _check_output_size(op, x_shape, kernel, stride, padding, dilation):
    out_hw = conv_output_size(x_shape[2:], kernel, stride, padding, dilation)
    if min(out_hw) < 1:
        extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
        padded = tuple(n + a + b for n, (a, b) in zip(x_shape[2:], padding))
        raise ValueError(f"{op}: the kernel (extent {extent} with dilation {dilation}) is larger "
                         f"than the padded input {padded} (H, W = {x_shape[2:]} plus padding "
                         f"{padding}); the output would be {out_hw}")
    return out_hw


def _geometry(op, x_shape, kernel, stride, padding, dilation):
    """Validated (stride, padding, dilation): pairs, and padding as ((top, bottom), (l, r))."""
    stride = _pair(op, "stride", stride, 1)
    dilation = _pair(op, "dilation", dilation, 1)
    padding = _padding(op, padding, kernel, stride, dilation)
    _check_output_size(op, x_shape, kernel, stride, padding, dilation)
    return stride, padding, dilation


def _conv_args(op, x_shape, w_shape, bias, stride, padding, dilation, groups,
               weight_name="weight", bias_name="bias"):
    """Check a conv2d call's channels, groups, geometry and bias; return the normalized
    (stride, padding, dilation, groups)."""
    if not (isinstance(groups, (int, np.integer)) and not isinstance(groups, bool)):
        raise TypeError(f"{op}: groups must be an int, got {groups!r}")
    if groups < 1:
        raise ValueError(f"{op}: groups must be >= 1, got {groups}")
    c_in, c_out = x_shape[1], w_shape[0]
    if c_in % groups or c_out % groups:
        raise ValueError(f"{op}: groups={groups} must divide both the input channels (C_in="
                         f"{c_in}) and the output channels of {weight_name} (C_out={c_out})")
    if w_shape[1] * groups != c_in:
        raise ValueError(f"{op}: the input has {c_in} channels but {weight_name} {w_shape} "
                         f"expects {weight_name}.shape[1] * groups = {w_shape[1]} * {groups} = "
                         f"{w_shape[1] * groups}")
    stride, padding, dilation = _geometry(op, x_shape, w_shape[2:], stride, padding, dilation)
    _check_bias(op, bias, c_out, bias_name)
    return stride, padding, dilation, int(groups)


def _with_bias(y, bias):
    """y, a view with axes in NCHW order (any memory layout) -> a C-contiguous copy, plus the
    bias."""
    out = np.empty(y.shape, dtype=y.dtype)
    if bias is None:
        np.copyto(out, y)
    else:
        np.add(y, bias.reshape(-1, 1, 1).astype(y.dtype, copy=False), out=out)
    return out


# ----- the standard convolution -----------------------------------------------------------

class Conv2d(Function):
    """y[n, o, i, j] = b[o] + sum_(c, di, dj) w[o, c, di, dj] x_pad[n, g Cg + c, i sh + di dh,
    j sw + dj dw], where g = o // (C_out / groups) is o's group and Cg = C_in / groups.

    As matrices (strides above 1), per group: cols = im2col(x_pad) (kH kW Cg, N H_out W_out),
    W = w with rows (o) and columns (di, dj, c) (C_out/groups, kH kW Cg), and Y = W @ cols
    (built in pieces of a few kernel rows when cols would be large, see PATCH_BYTES).
    VJP:  dL/dW = G @ cols^T      (each weight meets the input patches it multiplied)
          dL/dx = col2im(W^T @ G)  (each patch entry goes back to the pixel it was read from;
                                    computed one kernel offset at a time, see
                                    `im2col.add_patch_products`)
          dL/db = sum of g over n, i, j

    Stride 1 builds no patch matrix ("shifted views", see `im2col.shifted_products` and
    `_image_slot`): with the images flattened per channel with zero gaps between rows and
    images, F (C, L + reach), the rows of cols for offset (di, dj) are the slice
    F[:, off : off + L], off = di dh W_slot + dj dw (W_slot: image row plus its gap), so
          Y = sum_(di, dj) W_(di, dj) @ F[:, off : off + L]   (W_(di, dj): (C_out/groups, Cg))
    VJP:  dL/dW_(di, dj) = G @ F[:, off : off + L]^T
          dL/dF = sum_(di, dj) W_(di, dj)^T @ G shifted right by off; with G stored after
                  `reach` zeros, G shifted right by off is G's slice at reach - off, which is
                  the offset of (kH-1-di, kW-1-dj): the same shifted products again, with
                  the flipped kernel, its channels swapped (a "full" convolution of G)
    Output positions outside the H_out x W_out map (wrap-around into padding) get g = 0.

    Small output maps (at most BATCH_LAST_POSITIONS pixels) use the batch-last layout of
    im2col instead (columns ordered (i, j, n), see `im2col.batch_last_patches`): the same
    formulas, with col2im as one strided add per kernel offset after the whole W^T @ G
    (`im2col.add_batch_last_patches`); that matrix is the patch matrix's size, which
    `_batch_last` keeps within PATCH_BYTES.
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None, *, stride, padding, dilation, groups):
        n, c_out, kernel = x.shape[0], weight.shape[0], weight.shape[2:]
        out_hw = conv_output_size(x.shape[2:], kernel, stride, padding, dilation)
        w_rows = _weight_rows(weight, groups)
        ctx.w_rows = w_rows
        ctx.shifted = False
        if _batch_last(x, kernel, out_hw):
            padded = pad_batch_last(x, padding)
            cols = batch_last_patches(padded, kernel, stride, dilation, out_hw, groups)
            y = np.matmul(w_rows, cols)  # (groups, C_out/groups, H_out W_out N)
            ctx.batch_last = True
            ctx.geometry = x.shape, kernel, stride, padding, dilation, out_hw, None
            ctx.saved_input = cols if ctx.needs_input_grad[1] else None
            ctx.padded_shape = padded.shape
            return _with_bias(y.reshape((c_out,) + out_hw + (n,)).transpose(3, 0, 1, 2), bias)
        ctx.batch_last = False
        if tuple(stride) == (1, 1):
            slot, lead = _image_slot(x.shape[2:], kernel, padding, dilation)
            offsets = shift_offsets(kernel, dilation, slot[1])
            # `tail`: room for the reads of the last positions, `offsets[-1]` further on.
            flat = pad_flat(x, (slot[0] - x.shape[2], slot[1] - x.shape[3]), lead=lead,
                            tail=max(0, offsets[-1] - lead))
            w_offsets = _offset_weights(weight, groups)
            y = shifted_products(w_offsets, flat, offsets, n * slot[0] * slot[1])
            ctx.shifted = True
            ctx.geometry = x.shape, kernel, out_hw, slot, lead, offsets
            ctx.w_offsets = w_offsets if ctx.needs_input_grad[0] else None
            ctx.saved_input = flat if ctx.needs_input_grad[1] else None
            y = y.reshape((c_out, n) + slot)[:, :, :out_hw[0], :out_hw[1]]
            return _with_bias(y.transpose(1, 0, 2, 3), bias)
        padded = pad_channel_major(x, padding)
        pieces = _kernel_row_pieces(padded, kernel, out_hw[0] * out_hw[1])
        y = None
        for rows, cols in _patch_pieces(padded, pieces, kernel, stride, dilation, out_hw, groups):
            term = np.matmul(w_rows[:, :, rows], cols)  # (groups, C_out/groups, N H_out W_out)
            y = term if y is None else np.add(y, term, out=y)
        ctx.geometry = x.shape, kernel, stride, padding, dilation, out_hw, pieces
        # Saved for dL/dW: the patch matrix when it was built whole, else the padded input,
        # from which backward builds the pieces again.
        saved = cols if len(pieces) == 1 else padded
        ctx.saved_input = saved if ctx.needs_input_grad[1] else None
        ctx.padded_shape = padded.shape
        y = y.reshape((c_out, n) + out_hw)
        return _with_bias(y.transpose(1, 0, 2, 3), bias)

    @staticmethod
    def backward(ctx, grad):
        if ctx.shifted:
            return _shifted_backward(ctx, grad)
        x_shape, kernel, stride, padding, dilation, out_hw, pieces = ctx.geometry
        c_out = grad.shape[1]
        groups = ctx.w_rows.shape[0]
        batch_last = ctx.batch_last
        # g in the layout of Y
        g = _batch_last_rows(grad, groups) if batch_last else _channel_major(grad, groups)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            if batch_last:
                cols_grad = np.matmul(ctx.w_rows.transpose(0, 2, 1), g)
                grad_padded = add_batch_last_patches(cols_grad, ctx.padded_shape, kernel, stride,
                                                     dilation, out_hw)
                grad_x = crop_batch_last(grad_padded, padding, x_shape[2:])
            else:
                grad_padded = add_patch_products(ctx.w_rows, g, ctx.padded_shape, kernel,
                                                 stride, dilation, out_hw)
                grad_x = crop_to_nchw(grad_padded, padding, x_shape[2:])
        if ctx.needs_input_grad[1]:
            if batch_last or len(pieces) == 1:
                grad_rows = _times_transposed(g, ctx.saved_input)
            else:
                grad_rows = np.concatenate([
                    _times_transposed(g, cols) for _, cols in _patch_pieces(
                        ctx.saved_input, pieces, kernel, stride, dilation, out_hw, groups)
                ], axis=2)
            c_group = x_shape[1] // groups
            grad_w = grad_rows.reshape(c_out, *kernel, c_group).transpose(0, 3, 1, 2)
        if len(ctx.needs_input_grad) == 2:
            return grad_x, grad_w
        grad_b = grad.sum(axis=(0, 2, 3)) if ctx.needs_input_grad[2] else None
        return grad_x, grad_w, grad_b


def _image_slot(hw, kernel, padding, dilation):
    """Where the shifted views put each image: returns ((rows, row length) of its slot,
    lead), lead being the zeros before the first slot (`im2col.pad_flat`).

    The gap after each image row (and after each image's rows) is shared padding: the right
    (bottom) padding of this row (image) and the left (top) padding of the next, so it must
    be as wide as either; and as wide as top + bottom - d (kH - 1), the output's excess over
    the input, so that each output row (map) fits in its slot. Output position (n, i, j) is
    slot position (n, i, j), and reads input pixel (i + di dh - top, j + dj dw - left): the
    lead puts pixel (0, 0) top rows and left columns after output position 0.
    """
    gaps = [max(before, after, before + after - d * (k - 1))
            for (before, after), k, d in zip(padding, kernel, dilation)]
    slot = (hw[0] + gaps[0], hw[1] + gaps[1])
    return slot, padding[0][0] * slot[1] + padding[1][0]


def _shifted_backward(ctx, grad):
    """Conv2d's backward for stride 1, the shifted-views VJP of its docstring."""
    x_shape, kernel, out_hw, slot, lead, offsets = ctx.geometry
    n, c_out = grad.shape[:2]
    length = n * slot[0] * slot[1]
    reach = offsets[-1]
    # G in Y's layout (zero at the dropped positions), after `reach` zeros (see the VJP), and
    # `lead` zeros after it: dL/dF is wanted from position lead on, where the input starts.
    gaps = (slot[0] - out_hw[0], slot[1] - out_hw[1])
    g_flat = pad_flat(grad, gaps, lead=reach, tail=lead)
    grad_x = grad_w = None
    if ctx.needs_input_grad[0]:
        # Offset k's slice of G shifted right by offsets[k] starts at reach - offsets[k],
        # which is offsets[K - 1 - k]: the same products with the offsets' order reversed.
        flipped = ctx.w_offsets[::-1].transpose(0, 1, 3, 2)
        grad_flat = shifted_products(flipped, g_flat[:, lead:], offsets, length)
        grad_slots = grad_flat.reshape((x_shape[1], n) + slot)
        grad_x = np.ascontiguousarray(
            grad_slots[:, :, :x_shape[2], :x_shape[3]].transpose(1, 0, 2, 3))
    if ctx.needs_input_grad[1]:
        groups = ctx.w_rows.shape[0]
        g = g_flat[:, reach:reach + length].reshape(groups, c_out // groups, length)
        w_grads = shifted_weight_products(g, ctx.saved_input, offsets, kernel)
        grad_w = _weights_from_offsets(w_grads, kernel)
    if len(ctx.needs_input_grad) == 2:
        return grad_x, grad_w
    grad_b = grad.sum(axis=(0, 2, 3)) if ctx.needs_input_grad[2] else None
    return grad_x, grad_w, grad_b


def _offset_weights(weight, groups):
    """(C_out, Cg, kH, kW) -> (kH kW, groups, C_out/groups, Cg): one matrix per offset."""
    c_out, c_group, kh, kw = weight.shape
    per_offset = weight.reshape(groups, c_out // groups, c_group, kh * kw).transpose(3, 0, 1, 2)
    return np.ascontiguousarray(per_offset)


def _weights_from_offsets(w_offsets, kernel):
    """The inverse of `_offset_weights`: (kH kW, groups, C_out/groups, Cg) -> (C_out, Cg,
    kH, kW)."""
    kk, groups, per_group, c_group = w_offsets.shape
    return w_offsets.transpose(1, 2, 3, 0).reshape(groups * per_group, c_group, *kernel)


#: Output maps with at most this many pixels (H_out * W_out) use im2col's batch-last layout.
#: Measured on 2 cores, forward + backward, against an earlier stride-1 layout (im2col with
#: output columns over the padded width): resnet20's 2x2, 4x4 and 8x8 maps (batch 128) about
#: 2.8x, 1.7x and 1.2x faster, bench_conv's S3 (8x8, 64 channels) 1.35x; 16x16 maps about
#: even; 32x32 maps slower (moving N last and back is a transpose of a large array). Against
#: the shifted views that replaced that layout, S3 and bench_conv's DIG (8x8, 16 channels)
#: are still 1.4x faster batch last (the shifted views waste 36 of 100 columns at 8x8).
BATCH_LAST_POSITIONS = 64


def _batch_last(x, kernel, out_hw):
    """Whether Conv2d uses the batch-last layout: small output maps, and a patch matrix that
    fits in one piece of PATCH_BYTES (the batch-last path does not build it in pieces)."""
    n, c = x.shape[:2]
    positions = out_hw[0] * out_hw[1]
    patch_bytes = kernel[0] * kernel[1] * c * positions * n * x.itemsize
    return positions <= BATCH_LAST_POSITIONS and patch_bytes <= PATCH_BYTES


#: Largest patch matrix built in one piece, in bytes. The patch matrix is kH kW times the size
#: of the input, and it is kept for the weight gradient; above this size it is built and
#: multiplied a few kernel rows at a time (its rows are ordered (di, dj, c), so the rows of
#: one kernel row are one block) and not kept: backward builds the pieces again from the
#: padded input. Slower (the patches are copied twice), but memory stays near the input's.
PATCH_BYTES = 64 * 2**20


def _kernel_row_pieces(padded, kernel, positions_per_image):
    """The kernel rows as consecutive ranges, each making a patch matrix of <= PATCH_BYTES."""
    c, n = padded.shape[:2]
    row_bytes = kernel[1] * c * n * positions_per_image * padded.itemsize
    per_piece = max(1, PATCH_BYTES // row_bytes)
    return [(start, min(start + per_piece, kernel[0])) for start in range(0, kernel[0],
                                                                          per_piece)]


def _patch_pieces(padded, pieces, kernel, stride, dilation, out_hw, groups):
    """Yield (columns of W, patch matrix) for each range of kernel rows in `pieces`."""
    kh, kw = kernel
    c_group = padded.shape[0] // groups
    for first, last in pieces:
        cols = patches(padded[:, :, first * dilation[0]:], (last - first, kw), stride, dilation,
                       out_hw, groups)
        yield slice(first * kw * c_group, last * kw * c_group), cols


def _times_transposed(g, cols):
    """G @ cols^T per group: (groups, C_out/groups, L), (groups, K, L) -> (groups, C_out/groups,
    K). Computed as (cols @ G^T)^T, the same numbers: OpenBLAS runs this orientation 15-20%
    faster for these short-and-wide operands (measured on 2 cores, L in the thousands)."""
    return np.matmul(cols, g.transpose(0, 2, 1)).transpose(0, 2, 1)


def _weight_rows(weight, groups):
    """(C_out, Cg, kH, kW) -> per group (C_out/groups, kH kW Cg), columns in cols' row order."""
    c_out, c_group, kh, kw = weight.shape
    return weight.transpose(0, 2, 3, 1).reshape(groups, c_out // groups, kh * kw * c_group)


def _batch_last_rows(grad, groups):
    """g (N, C, H, W) -> (groups, C/groups, H W N), the batch-last layout of Y (transposed
    from a `skewed_batch` copy: see there why)."""
    c = grad.shape[1]
    g = np.ascontiguousarray(skewed_batch(grad).transpose(1, 2, 3, 0))
    return g.reshape(groups, c // groups, -1)


def _channel_major(grad, groups):
    """g (N, C, H, W) -> (groups, C/groups, N H W)."""
    c = grad.shape[1]
    return np.ascontiguousarray(grad.transpose(1, 0, 2, 3)).reshape(groups, c // groups, -1)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation) over NCHW input, as `torch.nn.functional.conv2d`.

    Args:
        x: Tensor (N, C_in, H, W), floating point.
        weight: Tensor (C_out, C_in / groups, kH, kW).
        bias: Tensor (C_out,) or None.
        stride, dilation: an int or a pair (h, w), each >= 1.
        padding: zeros added on each side, an int or a pair; or 'valid' (none), or 'same'
            (output as large as the input; stride 1 only; an odd total pads one more row and
            column at the bottom and right, as PyTorch).
        groups: split input and output channels into this many independent groups; output
            channel o sees only the input channels of its group.

    Returns:
        Tensor (N, C_out, H_out, W_out),
        H_out = (H + 2 pad - dilation (kH - 1) - 1) // stride + 1.

    Formula, VJP and how it is computed: see `Conv2d`.
    """
    op = "conv2d"
    x_shape = _check_input(op, x)
    w_shape = _check_weight(op, weight, "weight", "(C_out, C_in/groups, kH, kW)")
    stride, padding, dilation, groups = _conv_args(op, x_shape, w_shape, bias, stride, padding,
                                                   dilation, groups)
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return Conv2d.apply(*inputs, stride=stride, padding=padding, dilation=dilation,
                        groups=groups)


# ----- depthwise: one filter per channel ---------------------------------------------------

class DepthwiseConv2d(Function):
    """y[n, c m + k, i, j] = b[c m + k] + sum_(di, dj) w[c m + k, 0, di, dj]
                                           x_pad[n, c, i sh + di dh, j sw + dj dw]

    Each of the C input channels is filtered by its own m filters (channel multiplier m); no
    channel is mixed with another. Same result as Conv2d with groups = C.

    How: output row i of image n reads a window of span = dh (kH - 1) + 1 rows of x (zeros
    on the padding); laid side by side, the windows of channel c form X_c (N H_out, span W)
    (`im2col.row_windows`), and its filters form one banded matrix B_c (span W, m W_out)
    (`im2col.band_matrices`), so that Y_c = X_c @ B_c: one batched matrix product over the
    channels instead of kH kW elementwise passes over the batch.
    VJP:  dL/dx: row p of x_pad gets sum_d G_c[row (p - d) / sh] @ (row d of B_c's window)^T,
                 the sum over the output rows whose window met row p. Laid out as windows
                 of G's rows (spread sh apart, zeros between), Gw_c (N H, span m W_out),
                 that is Gw_c @ (B_c's window rows in reverse order)^T: again one product
                 per channel
          dL/dB_c = X_c^T @ G_c, summed along each band into dL/dw (`im2col.band_gradient`);
                 computed as Gw_c^T @ (x's rows of channel c), the same sums grouped by
                 input row instead of output row, with the windows already made for dL/dx
          dL/db = sum of g over n, i, j
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None, *, stride, padding, dilation):
        n, c, h, w = x.shape
        kernel = weight.shape[2:]
        (sh, sw), ((top, _), (left, _)) = stride, padding
        oh, ow = conv_output_size((h, w), kernel, stride, padding, dilation)
        span = dilation[0] * (kernel[0] - 1) + 1
        windows = row_windows(x.transpose(1, 0, 2, 3), span, oh, first=top,
                              step=sh).reshape(c, n * oh, span * w)
        bands = band_matrices(weight, c, dilation, sw, w, ow, left)
        y = np.matmul(windows, bands)  # (C, N H_out, m W_out)
        ctx.geometry = x.shape, padding, stride, dilation, kernel, (oh, ow)
        ctx.x = x if ctx.needs_input_grad[1] else None
        ctx.bands = bands if ctx.needs_input_grad[0] else None
        m = weight.shape[0] // c
        # (C, N, H_out, m, W_out) -> (N, C, m, H_out, W_out)
        y = y.reshape(c, n, oh, m, ow).transpose(1, 0, 3, 2, 4)
        out = np.empty((n, c, m, oh, ow), dtype=y.dtype)
        if bias is None:
            np.copyto(out, y)
        else:
            np.add(y, bias.reshape(c, m, 1, 1).astype(y.dtype, copy=False), out=out)
        return out.reshape(n, c * m, oh, ow)

    @staticmethod
    def backward(ctx, grad):
        (n, c, h, w), ((top, _), (left, _)), (sh, sw), dilation, kernel, (oh, ow) = ctx.geometry
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
        if ctx.needs_input_grad[0]:
            bands = ctx.bands.reshape(c, span, w, m * ow)[:, ::-1].transpose(0, 1, 3, 2)
            grad_x = np.matmul(g_windows, bands.reshape(c, span * m * ow, w))
            grad_x = np.ascontiguousarray(grad_x.reshape(c, n, h, w).transpose(1, 0, 2, 3))
        if ctx.needs_input_grad[1]:
            # Gw_c^T @ x's rows: (span m W_out, W) per channel, window rows in reverse order
            x_rows = np.ascontiguousarray(ctx.x.transpose(1, 0, 2, 3)).reshape(c, n * h, w)
            per_window_row = np.matmul(g_windows.transpose(0, 2, 1), x_rows)
            grad_bands = per_window_row.reshape(c, span, m * ow, w)[:, ::-1].transpose(0, 1, 3, 2)
            grad_bands = grad_bands.reshape(c, span * w, m * ow)
            grad_w = band_gradient(grad_bands, kernel, dilation, sw, w, ow, left)
        if len(ctx.needs_input_grad) == 2:
            return grad_x, grad_w
        grad_b = grad.sum(axis=(0, 2, 3)) if ctx.needs_input_grad[2] else None
        return grad_x, grad_w, grad_b


def _depthwise_args(op, x_shape, weight, bias, stride, padding, dilation,
                    weight_name="weight", bias_name="bias"):
    w_shape = _check_weight(op, weight, weight_name, "(C * m, 1, kH, kW)")
    c = x_shape[1]
    if w_shape[1] != 1 or w_shape[0] % c:
        raise ValueError(f"{op}: {weight_name} must be (C * m, 1, kH, kW) for the input's "
                         f"C = {c} channels (m filters per channel), got shape {w_shape}")
    geometry = _geometry(op, x_shape, w_shape[2:], stride, padding, dilation)
    _check_bias(op, bias, w_shape[0], bias_name)
    return geometry


def depthwise_conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """Depthwise convolution: each input channel filtered on its own, no channel mixing.

    Args:
        x: Tensor (N, C, H, W).
        weight: Tensor (C * m, 1, kH, kW): m filters per input channel (channel multiplier);
            output channel c * m + k is input channel c filtered by weight[c * m + k, 0].
        bias: Tensor (C * m,) or None.
        stride, padding, dilation: as `conv2d` (padding also 'valid' or 'same').

    Returns:
        Tensor (N, C * m, H_out, W_out); equal to conv2d(x, weight, bias, ..., groups=C).
        C * m * kH * kW weights, and kH * kW multiply-adds per output element (a standard
        convolution spends C_in * kH * kW).

    Formula, VJP and how it is computed: see `DepthwiseConv2d`.
    """
    op = "depthwise_conv2d"
    x_shape = _check_input(op, x)
    stride, padding, dilation = _depthwise_args(op, x_shape, weight, bias, stride, padding,
                                                dilation)
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return DepthwiseConv2d.apply(*inputs, stride=stride, padding=padding, dilation=dilation)


# ----- pointwise: a 1x1 kernel ------------------------------------------------------------

class PointwiseConv2d(Function):
    """y[n, o, i, j] = b[o] + sum_c w[o, c] x[n, c, i, j]: one linear map across channels,
    the same at every pixel. Per image, Y_n = W @ X_n with X_n the (C_in, H W) view of x[n].

    VJP:  dL/dX_n = W^T @ G_n;   dL/dW = sum_n G_n @ X_n^T;   dL/db = sum of g over n, i, j.
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        n, c_in, h, w = x.shape
        matrix = weight.reshape(weight.shape[0], c_in)
        y = np.matmul(matrix, x.reshape(n, c_in, h * w))  # (N, C_out, H W), already NCHW
        if bias is not None:
            y += bias.reshape(-1, 1).astype(y.dtype, copy=False)
        ctx.x = x if ctx.needs_input_grad[1] else None
        ctx.matrix = matrix if ctx.needs_input_grad[0] else None
        ctx.weight_shape = weight.shape
        return y.reshape(n, -1, h, w)

    @staticmethod
    def backward(ctx, grad):
        n, c_out, h, w = grad.shape
        g = grad.reshape(n, c_out, h * w)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = np.matmul(ctx.matrix.T, g).reshape(n, -1, h, w)
        if ctx.needs_input_grad[1]:
            x = ctx.x.reshape(n, -1, h * w)
            # One product per image, then the sum over images (faster here than tensordot,
            # which would first copy g and x into (channel, image * pixel) layouts).
            grad_w = np.matmul(g, x.transpose(0, 2, 1)).sum(axis=0).reshape(ctx.weight_shape)
        if len(ctx.needs_input_grad) == 2:
            return grad_x, grad_w
        grad_b = g.sum(axis=(0, 2)) if ctx.needs_input_grad[2] else None
        return grad_x, grad_w, grad_b


def _pointwise_args(op, x_shape, weight, bias, weight_name="weight", bias_name="bias"):
    w_shape = _check_weight(op, weight, weight_name, "(C_out, C_in, 1, 1)")
    if w_shape[2:] != (1, 1) or w_shape[1] != x_shape[1]:
        raise ValueError(f"{op}: {weight_name} must be (C_out, C_in, 1, 1) with C_in = "
                         f"{x_shape[1]} (the input's channels), got shape {w_shape}")
    _check_bias(op, bias, w_shape[0], bias_name)


def pointwise_conv2d(x, weight, bias=None):
    """1x1 convolution: mixes channels at every pixel, no spatial extent.

    Args:
        x: Tensor (N, C_in, H, W).
        weight: Tensor (C_out, C_in, 1, 1).
        bias: Tensor (C_out,) or None.

    Returns:
        Tensor (N, C_out, H, W); equal to conv2d(x, weight, bias). C_out * C_in weights and
        C_out * C_in multiply-adds per pixel.

    Formula and VJP: see `PointwiseConv2d`.
    """
    op = "pointwise_conv2d"
    _pointwise_args(op, _check_input(op, x), weight, bias)
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return PointwiseConv2d.apply(*inputs)


# ----- the factorized convolutions: compositions ------------------------------------------

def spatial_separable_conv2d(x, weight_row, weight_col, bias=None, stride=1, padding=0,
                             groups=1):
    """A kH x kW convolution factorized into a 1 x kW (row) convolution then a kH x 1 (column)
    convolution.

    Channels: the row step maps C_in -> C_mid channels, the column step C_mid -> C_out, each
    with `groups` (as conv2d). The row step takes the width parts of stride and padding
    (stride (1, sW), padding (0, pW)), the column step the height parts (stride (sH, 1),
    padding (pH, 0)); the bias is added after the column step. The output has the shape of a
    kH x kW conv2d with this stride and padding.

    With one channel (or groups = C, C_mid = C_out = C) it equals conv2d with the rank-1
    kernel outer(col, row): a Sobel filter [[1, 0, -1], [2, 0, -2], [1, 0, -1]] is the column
    [1, 2, 1] times the row [1, 0, -1]. It costs kH + kW weights and multiply-adds per output
    instead of kH * kW, but can only express such rank-1 kernels.

    Args:
        x: Tensor (N, C_in, H, W).
        weight_row: Tensor (C_mid, C_in / groups, 1, kW).
        weight_col: Tensor (C_out, C_mid / groups, kH, 1).
        bias: Tensor (C_out,) or None.
        stride, padding: of the combined kernel, an int or a pair (h, w); padding also 'valid',
            or 'same' (stride 1).
        groups: as conv2d, for both steps.

    Returns:
        Tensor (N, C_out, H_out, W_out).
    """
    op = "spatial_separable_conv2d"
    x_shape = _check_input(op, x)
    row_shape = _check_weight(op, weight_row, "weight_row", "(C_mid, C_in/groups, 1, kW)")
    col_shape = _check_weight(op, weight_col, "weight_col", "(C_out, C_mid/groups, kH, 1)")
    if row_shape[2] != 1:
        raise ValueError(f"{op}: weight_row must be (C_mid, C_in/groups, 1, kW), got {row_shape}")
    if col_shape[3] != 1:
        raise ValueError(f"{op}: weight_col must be (C_out, C_mid/groups, kH, 1), got {col_shape}")
    # The combined geometry first, so that errors quote the caller's stride and padding.
    stride, pad, _ = _geometry(op, x_shape, (col_shape[2], row_shape[3]), stride, padding, 1)
    (sh, sw), ((top, _), (left, _)) = stride, pad
    # 'same' is passed on as 'same': with an even kernel its two sides differ.
    row_padding, col_padding = (padding, padding) if isinstance(padding, str) else (
        (0, left), (top, 0))
    row_args = _conv_args(op, x_shape, row_shape, None, (1, sw), row_padding, 1, groups,
                          "weight_row")
    middle_shape = (x_shape[0], row_shape[0], x_shape[2],
                    conv_output_size(x_shape[2:], row_shape[2:], *row_args[:3])[1])
    col_args = _conv_args(op, middle_shape, col_shape, bias, (sh, 1), col_padding, 1, groups,
                          "weight_col")
    names = ("stride", "padding", "dilation", "groups")
    middle = Conv2d.apply(x, weight_row, **dict(zip(names, row_args)))
    inputs = (middle, weight_col) if bias is None else (middle, weight_col, bias)
    return Conv2d.apply(*inputs, **dict(zip(names, col_args)))


def depthwise_separable_conv2d(x, depthwise_weight, pointwise_weight, depthwise_bias=None,
                               pointwise_bias=None, stride=1, padding=0, dilation=1):
    """Depthwise k x k convolution (spatial filtering per channel), then a pointwise 1x1
    convolution (channel mixing): MobileNet's building block.

    Args:
        x: Tensor (N, C_in, H, W).
        depthwise_weight: Tensor (C_in * m, 1, kH, kW) (usually m = 1).
        pointwise_weight: Tensor (C_out, C_in * m, 1, 1).
        depthwise_bias: Tensor (C_in * m,) or None; pointwise_bias: Tensor (C_out,) or None.
        stride, padding, dilation: of the depthwise step, as `conv2d`.

    Returns:
        Tensor (N, C_out, H_out, W_out), the shape a kH x kW conv2d would give.
        C_in kH kW + C_in C_out weights instead of C_out C_in kH kW: for 3x3 and 32 -> 64
        channels, 288 + 2,048 = 2,336 instead of 18,432 (see minigrad.conv_cost).
    """
    op = "depthwise_separable_conv2d"
    x_shape = _check_input(op, x)
    stride, padding, dilation = _depthwise_args(op, x_shape, depthwise_weight, depthwise_bias,
                                                stride, padding, dilation, "depthwise_weight",
                                                "depthwise_bias")
    middle_shape = (x_shape[0], _shape(depthwise_weight)[0]) + conv_output_size(
        x_shape[2:], _shape(depthwise_weight)[2:], stride, padding, dilation)
    _pointwise_args(op, middle_shape, pointwise_weight, pointwise_bias, "pointwise_weight",
                    "pointwise_bias")
    inputs = ((x, depthwise_weight) if depthwise_bias is None
              else (x, depthwise_weight, depthwise_bias))
    middle = DepthwiseConv2d.apply(*inputs, stride=stride, padding=padding, dilation=dilation)
    inputs = ((middle, pointwise_weight) if pointwise_bias is None
              else (middle, pointwise_weight, pointwise_bias))
    return PointwiseConv2d.apply(*inputs)
