"""The array math of the convolutions, pooling and batch norm: numpy arrays in, numpy arrays
out, nothing of Tensors or the graph. The ops in minigrad/ops/ call these.

Read in this order:
    reference.py        every kernel from its definition: a loop over the kernel offsets,
                        one product each, with the VJP in each docstring. Read it first.
    dispatch.py         which kernel runs each call (the thresholds and why), and `use`
Then the fast kernels, each a rearrangement of the same sums that BLAS runs faster; its
docstring says when it is chosen and what it saves:
    im2col.py           conv2d as one matrix product over the patch matrix (strides > 1)
    shifted_views.py    stride 1 without a patch matrix: slices of the flattened images
    batch_last.py       small maps (<= 8 x 8): im2col with the batch axis last
    depthwise_bands.py  depthwise conv as products with banded (Toeplitz) matrices
    pointwise.py        the 1 x 1 conv as one matrix product per image
    channel_rows.py     batch norm's per-channel sums over contiguous rows

    import minigrad as mg
    with mg.kernels.use("reference"):   # the same numbers, more slowly
        ...
"""

from . import reference
from .dispatch import KERNEL_SETS, current, use

__all__ = ["use", "current", "KERNEL_SETS", "reference"]
