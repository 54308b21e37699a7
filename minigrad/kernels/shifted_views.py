"""conv2d with stride 1 and no patch matrix: "shifted views". Chosen (kernels/dispatch.py) for
stride 1 on maps larger than 8 x 8.

Each channel's images are flattened one after the other into one row F (C, L + reach), each
image in a slot of rows W_slot long: its own row plus a gap of zeros. Output position p
reads offset (di, dj) at F[p + di dh W_slot + dj dw], so the row block of im2col's `cols`
for that offset is the plain slice F[:, off : off + L], whose rows are contiguous: BLAS
multiplies it where it lies, and

    Y = sum_(di, dj) W_(di, dj) @ F[:, off : off + L]      (W_(di, dj): (C_out/groups, Cg))

is `reference.conv2d`'s loop over offsets with no copy at all. Why: with few channels the
kH kW-fold patch copy, not the multiply-adds, was the time (bench_conv S1, 16 channels at
32 x 32: patches 3-4.7 ms + product 2.8 ms; shifted products 2.8 ms). Against the reference
kernel's einsum per offset, S1 forward + backward: 98 ms there, 11 ms here.

The zero padding is shared: the gap after each image row is the right padding of that row
and the left padding of the next, and the gap rows after an image are its bottom padding and
the next image's top. Output positions in the gaps wrap around; they are computed and
dropped. A 3 x 3 kernel with padding 1 has gaps of 1: (17 x 17) / (16 x 16) = 13% extra at
16 x 16, where separate padding (18 x 18) would cost 27%.

VJP:  dL/dW_(di, dj) = G @ F[:, off : off + L]^T
      dL/dF = sum_(di, dj) W_(di, dj)^T @ G shifted right by off. With G stored after
              `reach` zeros, G shifted right by off is G's slice at reach - off, which is the
              offset of (kH-1-di, kW-1-dj): the same shifted products again, with the flipped
              kernel and its channels swapped (the "full" convolution of the reference's
              `conv2d_input_grad`). Positions outside the H_out x W_out map get g = 0.
"""

import numpy as np

from .im2col import with_bias
from .reference import conv_output_size


def forward(x, weight, bias, stride, padding, dilation, groups, needs):
    """conv2d(x, weight, bias) and what `backward` needs; stride is (1, 1)."""
    n, c_out, kernel = x.shape[0], weight.shape[0], weight.shape[2:]
    out_hw = conv_output_size(x.shape[2:], kernel, (1, 1), padding, dilation)
    slot, lead = _image_slot(x.shape[2:], kernel, padding, dilation)
    offsets = shift_offsets(kernel, dilation, slot[1])
    # `tail`: room for the reads of the last positions, `offsets[-1]` further on.
    flat = pad_flat(x, (slot[0] - x.shape[2], slot[1] - x.shape[3]), lead=lead,
                    tail=max(0, offsets[-1] - lead))
    w_offsets = _offset_weights(weight, groups)
    y = shifted_products(w_offsets, flat, offsets, n * slot[0] * slot[1])
    state = dict(geometry=(x.shape, kernel, out_hw, slot, lead, offsets), groups=groups,
                 w_offsets=w_offsets if needs[0] else None,
                 flat=flat if needs[1] else None)
    y = y.reshape((c_out, n) + slot)[:, :, :out_hw[0], :out_hw[1]]
    return with_bias(y.transpose(1, 0, 2, 3), bias), state


def backward(state, grad, needs):
    """(dL/dx, dL/dw): the VJP of the module docstring."""
    x_shape, kernel, out_hw, slot, lead, offsets = state["geometry"]
    n, c_out = grad.shape[:2]
    length = n * slot[0] * slot[1]
    reach = offsets[-1]
    # G in Y's layout (zero at the dropped positions), after `reach` zeros (see the VJP), and
    # `lead` zeros after it: dL/dF is wanted from position lead on, where the input starts.
    gaps = (slot[0] - out_hw[0], slot[1] - out_hw[1])
    g_flat = pad_flat(grad, gaps, lead=reach, tail=lead)
    grad_x = grad_w = None
    if needs[0]:
        # Offset k's slice of G shifted right by offsets[k] starts at reach - offsets[k],
        # which is offsets[K - 1 - k]: the same products with the offsets' order reversed.
        flipped = state["w_offsets"][::-1].transpose(0, 1, 3, 2)
        grad_flat = shifted_products(flipped, g_flat[:, lead:], offsets, length)
        grad_slots = grad_flat.reshape((x_shape[1], n) + slot)
        grad_x = np.ascontiguousarray(
            grad_slots[:, :, :x_shape[2], :x_shape[3]].transpose(1, 0, 2, 3))
    if needs[1]:
        groups = state["groups"]
        g = g_flat[:, reach:reach + length].reshape(groups, c_out // groups, length)
        w_grads = shifted_weight_products(g, state["flat"], offsets, kernel)
        grad_w = _weights_from_offsets(w_grads, kernel)
    return grad_x, grad_w


def _image_slot(hw, kernel, padding, dilation):
    """Where the shifted views put each image: ((rows, row length) of its slot, lead), lead
    being the zeros before the first slot (`pad_flat`).

    The gap after each image row (and after each image's rows) is shared padding, so it must
    be as wide as either side's padding, and as wide as top + bottom - d (kH - 1), the
    output's excess over the input, so that each output row (map) fits in its slot. Output
    position (n, i, j) is slot position (n, i, j), and reads input pixel (i + di dh - top,
    j + dj dw - left): the lead puts pixel (0, 0) top rows and left columns after position 0.
    """
    gaps = [max(before, after, before + after - d * (k - 1))
            for (before, after), k, d in zip(padding, kernel, dilation)]
    slot = (hw[0] + gaps[0], hw[1] + gaps[1])
    return slot, padding[0][0] * slot[1] + padding[1][0]


def pad_flat(x, gaps, lead=0, tail=0):
    """x (N, C, H, W) -> (C, lead + N (H + gh) (W + gw) + tail), zeros but for x: each
    channel's images one after the other in one row, each at the top left of a slot of
    H + gh rows of W + gw; `lead` zeros before the first slot and `tail` after the last."""
    n, c, h, w = x.shape
    slot = (h + gaps[0], w + gaps[1])
    flat = np.zeros((c, lead + n * slot[0] * slot[1] + tail), dtype=x.dtype)
    slots = flat[:, lead:lead + n * slot[0] * slot[1]].reshape((c, n) + slot)
    slots[:, :, :h, :w] = x.transpose(1, 0, 2, 3)
    return flat


def shift_offsets(kernel, dilation, row_length):
    """Where offset (di, dj) reads in `pad_flat`'s rows, relative to offset (0, 0):
    di dh row_length + dj dw, in (di, dj) order. The last is the reach: how far past the last
    output position the reads go."""
    (kh, kw), (dh, dw) = kernel, dilation
    return [di * dh * row_length + dj * dw for di in range(kh) for dj in range(kw)]


def shifted_products(w_offsets, flat, offsets, length):
    """Y = sum_k w_offsets[k] @ flat[:, offsets[k] : offsets[k] + length], per group.

    w_offsets: (kH kW, groups, M, C/groups); flat: (C, >= offsets[-1] + length). Returns
    (groups, M, length). Each slice is a view with contiguous rows.
    """
    groups = w_offsets.shape[1]
    rows = flat.reshape(groups, flat.shape[0] // groups, -1)
    y = np.matmul(w_offsets[0], rows[:, :, offsets[0]:offsets[0] + length])
    term = np.empty_like(y)
    for w_k, start in zip(w_offsets[1:], offsets[1:]):
        np.add(y, np.matmul(w_k, rows[:, :, start:start + length], out=term), out=y)
    return y


def shifted_weight_products(g, flat, offsets, kernel):
    """The weight gradient of `shifted_products`: for each offset k,
    G @ flat[:, offsets[k] : offsets[k] + L]^T, per group; g (groups, M, L). Returns
    (kH kW, groups, M, C/groups).

    The kW offsets of one kernel row read flat shifted by dj dw, so kW shifted copies of
    flat, stacked as rows (dj, c), turn the kW products of one kernel row into one with kW
    times the rows: kH products (kW C/groups x L) @ (L x M) instead of kH kW with C/groups
    rows. With few channels and L in the tens of thousands, OpenBLAS runs the taller
    products far faster (S1, 16 channels: 5.4 -> 2.6 ms on its AVX-512 kernel, 2.75 -> 2.5
    ms on AVX2), which pays for the copies.
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


def _offset_weights(weight, groups):
    """(C_out, Cg, kH, kW) -> (kH kW, groups, C_out/groups, Cg): one matrix per offset."""
    c_out, c_group, kh, kw = weight.shape
    per_offset = weight.reshape(groups, c_out // groups, c_group, kh * kw).transpose(3, 0, 1, 2)
    return np.ascontiguousarray(per_offset)


def _weights_from_offsets(w_offsets, kernel):
    """The inverse of `_offset_weights`: (kH kW, groups, M, Cg) -> (C_out, Cg, kH, kW)."""
    kk, groups, per_group, c_group = w_offsets.shape
    return w_offsets.transpose(1, 2, 3, 0).reshape(groups * per_group, c_group, *kernel)
