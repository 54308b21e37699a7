"""The convolution ops: the standard one (with groups), depthwise and pointwise. The spatial
and depthwise separable convolutions are compositions of these (functional/conv.py), so
their gradients follow.

Each op states its formula and VJP and hands the array math to a kernel: the one
`kernels.dispatch` picks for the call, which is `kernels/reference.py` under
`mg.kernels.use("reference")`. Conventions, as PyTorch: x (N, C_in, H, W); weight
(C_out, C_in / groups, kH, kW); a cross-correlation (no kernel flip); zero padding
((top, bottom), (left, right)); stride and dilation (h, w) pairs.
"""

from ..function import Function
from ..kernels import dispatch
from ..kernels.reference import conv_output_size


def _with_bias_grad(ctx, grad, grad_x, grad_w):
    """Append dL/db = sum of g over n, i, j when the op was given a bias."""
    if len(ctx.needs_input_grad) == 2:
        return grad_x, grad_w
    return grad_x, grad_w, (grad.sum(axis=(0, 2, 3)) if ctx.needs_input_grad[2] else None)


class Conv2d(Function):
    """y[n, o, i, j] = b[o] + sum_(c, di, dj) w[o, c, di, dj] x_pad[n, g Cg + c, i sh + di dh,
    j sw + dj dw], where g = o // (C_out / groups) is o's group and Cg = C_in / groups.

    VJP:  dL/dw[o, c, di, dj] = sum_(n, i, j) g[n, o, i, j] x_pad[n, g Cg + c, i sh + di dh,
                                                                  j sw + dj dw]
          dL/dx_pad[n, g Cg + c, i sh + di dh, j sw + dj dw] += sum_o w[o, c, di, dj]
                                                               g[n, o, i, j]
          dL/db = sum of g over n, i, j
    Each weight meets what it multiplied; each pixel gets g back through every weight that
    read it (a "full" convolution of g with the flipped kernel), and the padding is cut away.

    Kernels: `reference.conv2d` and its two gradients define it; the fast ones are
    im2col.py (strides above 1), shifted_views.py (stride 1) and batch_last.py (small maps).
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None, *, stride, padding, dilation, groups):
        out_hw = conv_output_size(x.shape[2:], weight.shape[2:], stride, padding, dilation)
        ctx.kernel = dispatch.conv2d_kernel(x.shape, x.itemsize, weight.shape[2:], stride,
                                            out_hw)
        y, ctx.state = ctx.kernel.forward(x, weight, bias, stride, padding, dilation, groups,
                                          ctx.needs_input_grad[:2])
        return y

    @staticmethod
    def backward(ctx, grad):
        grad_x, grad_w = ctx.kernel.backward(ctx.state, grad, ctx.needs_input_grad[:2])
        return _with_bias_grad(ctx, grad, grad_x, grad_w)


class DepthwiseConv2d(Function):
    """y[n, c m + k, i, j] = b[c m + k] + sum_(di, dj) w[c m + k, 0, di, dj]
                                           x_pad[n, c, i sh + di dh, j sw + dj dw]

    Each of the C input channels is filtered by its own m filters (channel multiplier m); no
    channel is mixed with another: Conv2d with groups = C, with no sum over channels.

    VJP:  dL/dw[c m + k, 0, di, dj] = sum_(n, i, j) g[n, c m + k, i, j] x_pad[n, c, i sh + di dh,
                                                                        j sw + dj dw]
          dL/dx_pad[n, c, i sh + di dh, j sw + dj dw] += sum_k w[c m + k, 0, di, dj]
                                                          g[n, c m + k, i, j]
          dL/db = sum of g over n, i, j

    Kernels: `reference.conv2d` with groups = C (`dispatch.ReferenceDepthwise`); the fast one is
    depthwise_bands.py (banded matrix products).
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None, *, stride, padding, dilation):
        ctx.kernel = dispatch.depthwise_kernel()
        y, ctx.state = ctx.kernel.forward(x, weight, bias, stride, padding, dilation,
                                          ctx.needs_input_grad[:2])
        return y

    @staticmethod
    def backward(ctx, grad):
        grad_x, grad_w = ctx.kernel.backward(ctx.state, grad, ctx.needs_input_grad[:2])
        return _with_bias_grad(ctx, grad, grad_x, grad_w)


class PointwiseConv2d(Function):
    """y[n, o, i, j] = b[o] + sum_c w[o, c] x[n, c, i, j]: one linear map across channels,
    the same at every pixel. Per image, Y_n = W @ X_n with X_n the (C_in, H W) view of x[n].

    VJP:  dL/dX_n = W^T @ G_n;   dL/dW = sum_n G_n @ X_n^T;   dL/db = sum of g over n, i, j.

    Kernels: `reference.conv2d` with a 1 x 1 kernel; the fast one is pointwise.py.
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        ctx.kernel = dispatch.pointwise_kernel()
        y, ctx.state = ctx.kernel.forward(x, weight, bias, ctx.needs_input_grad[:2])
        return y

    @staticmethod
    def backward(ctx, grad):
        grad_x, grad_w = ctx.kernel.backward(ctx.state, grad, ctx.needs_input_grad[:2])
        return _with_bias_grad(ctx, grad, grad_x, grad_w)
