"""Pooling over NCHW feature maps: max pooling, average pooling and adaptive average pooling.
(Global average pooling is a mean over (H, W), functional/pooling.py.)

Max and average pooling read, for each kernel offset (di, dj), one strided slice of the padded
input that holds what the offset sees at every output position, so forward and backward loop
over the kH kW offsets only (`kernels/reference.py`, which is also the fast kernel here: there
is no channel sum to hand to BLAS). The output size is PyTorch's, ceil_mode included
(`reference.pool_geometry`); padding reaches the ops as ((top, bottom), (left, right)), the
bottom and right grown where ceil_mode lets the last window hang over the edge.
"""

import numpy as np

from ..function import Function
from ..kernels import reference


class MaxPool2d(Function):
    """y[n, c, i, j] = max over (di, dj) of x_pad[n, c, i sh + di dh, j sw + dj dw], padded
    with -inf.

    VJP: each g[n, c, i, j] goes to the one element that was the max of its window (the first
    in row-major window order when several tie, as PyTorch); an element that is the max of
    several overlapping windows collects the sum of their gradients.
    """

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding, dilation):
        y, ctx.argmax = reference.max_pool2d(x, kernel_size, stride, padding, dilation)
        ctx.geometry = x.shape, kernel_size, stride, padding, dilation
        return y

    @staticmethod
    def backward(ctx, grad):
        return (reference.max_pool2d_grad(grad, ctx.argmax, *ctx.geometry),)


class AvgPool2d(Function):
    """y[n, c, i, j] = sum over (di, dj) of x_pad[n, c, i sh + di, j sw + dj] / D[i, j],
    zero padded. D[i, j] is PyTorch's divisor (`reference.avg_pool_divisor`): kH kW with the
    padded zeros counted (count_include_pad=True), less where a ceil_mode window hangs over
    the padded input; only the input elements (count_include_pad=False); or divisor_override.

    VJP: each input element receives g[i, j] / D[i, j] from every window (i, j) holding it.
    """

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding, divisor):
        ctx.geometry = x.shape, kernel_size, stride, padding, divisor
        return reference.avg_pool2d(x, kernel_size, stride, padding, divisor)

    @staticmethod
    def backward(ctx, grad):
        return (reference.avg_pool2d_grad(grad, *ctx.geometry),)


def _exact_average(spec, rows, a, cols):
    """np.einsum(spec, rows, a, cols), the window averages, exact where a holds inf or NaN:
    a product of matrices would spread them (inf * 0 is NaN) into every window. The finite
    part is averaged as usual; the same averaging of indicator arrays finds the windows that
    hold +inf, -inf or NaN, and only those take inf, -inf or NaN (NaN for both infs)."""
    finite = np.isfinite(a)
    if finite.all():
        return np.einsum(spec, rows, a, cols, optimize=True)
    average = np.einsum(spec, rows, np.where(finite, a, 0), cols, optimize=True)
    holds = {kind: np.einsum(spec, rows, mask.astype(a.dtype), cols, optimize=True) > 0
             for kind, mask in (("+inf", a == np.inf), ("-inf", a == -np.inf),
                                ("nan", np.isnan(a)))}
    undefined = holds["nan"] | (holds["+inf"] & holds["-inf"])
    average = np.where(holds["+inf"], np.inf, np.where(holds["-inf"], -np.inf, average))
    return np.where(undefined, np.nan, average).astype(a.dtype, copy=False)


class AdaptiveAvgPool2d(Function):
    """y[..., i, j] = mean of x[..., rows_i, cols_j], with PyTorch's windows
    rows_i = [floor(i H / H_out), ceil((i + 1) H / H_out)) (and the same for the columns).

    Averaging a rectangle is averaging its rows then its columns, so with the averaging
    matrices P (H_out, H) and Q (W_out, W) (`reference.adaptive_pool_matrix`), y = P x Q^T
    on every map: two matrix products, no loop over the windows; an inf or NaN reaches only
    the windows that hold it (`_exact_average`).

    VJP: dL/dx = P^T g Q: each input element gets g[i, j] / (window size) from every window
    (i, j) holding it.
    """

    @staticmethod
    def forward(ctx, x, output_size):
        ctx.rows = reference.adaptive_pool_matrix(x.shape[-2], output_size[0], x.dtype)
        ctx.cols = reference.adaptive_pool_matrix(x.shape[-1], output_size[1], x.dtype)
        return _exact_average("ih,...hw,jw->...ij", ctx.rows, x, ctx.cols)

    @staticmethod
    def backward(ctx, grad):
        return (_exact_average("ih,...ij,jw->...hw", ctx.rows, grad, ctx.cols),)
