"""Pooling over NCHW feature maps: max pooling and average pooling. (Global average pooling
is a mean over (H, W), functional/pooling.py.)

Both read, for each kernel offset (di, dj), one strided slice of the padded input that holds
what the offset sees at every output position, so forward and backward loop over the kH kW
offsets only (`kernels/reference.py`, which is also the fast kernel here: there is no
channel sum to hand to BLAS). Output size, as PyTorch with ceil_mode=False:
H_out = (H + 2 pad_h - kH) // stride_h + 1.
"""

from ..function import Function
from ..kernels import reference


class MaxPool2d(Function):
    """y[n, c, i, j] = max over (di, dj) of x_pad[n, c, i sh + di, j sw + dj], padded with -inf.

    VJP: each g[n, c, i, j] goes to the one element that was the max of its window (the first
    in row-major window order when several tie, as PyTorch); an element that is the max of
    several overlapping windows collects the sum of their gradients.
    """

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        y, ctx.argmax = reference.max_pool2d(x, kernel_size, stride, padding)
        ctx.geometry = x.shape, kernel_size, stride, padding
        return y

    @staticmethod
    def backward(ctx, grad):
        return (reference.max_pool2d_grad(grad, ctx.argmax, *ctx.geometry),)


class AvgPool2d(Function):
    """y[n, c, i, j] = sum over (di, dj) of x_pad[n, c, i sh + di, j sw + dj] / (kH kW), the
    padded zeros counted (PyTorch's count_include_pad=True default).

    VJP: each input element receives g / (kH kW) from every window that contains it.
    """

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        ctx.geometry = x.shape, kernel_size, stride, padding
        return reference.avg_pool2d(x, kernel_size, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        return (reference.avg_pool2d_grad(grad, *ctx.geometry),)
