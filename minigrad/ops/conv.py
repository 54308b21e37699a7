"""The convolution ops: the standard one (with groups), depthwise, pointwise, and the
transposed convolution (conv2d's input gradient as a layer). The spatial
and depthwise separable convolutions are compositions of these (functional/conv.py), so
their gradients follow.

Each op states its formula and VJP and hands the array math to a kernel: the one
`kernels.dispatch` picks for the call, which is `kernels/reference.py` under
`mg.kernels.use("reference")`. Conventions, as PyTorch: x (N, C_in, H, W); weight
(C_out, C_in / groups, kH, kW); a cross-correlation (no kernel flip); zero padding
((top, bottom), (left, right)); stride and dilation (h, w) pairs.
"""

import numpy as np

from ..function import Function
from ..kernels import dispatch, reference
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
                                            out_hw, inputs=(x, weight))
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
        ctx.kernel = dispatch.depthwise_kernel(x.shape[0], inputs=(x, weight))
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
        ctx.kernel = dispatch.pointwise_kernel(x.shape[0])
        y, ctx.state = ctx.kernel.forward(x, weight, bias, ctx.needs_input_grad[:2])
        return y

    @staticmethod
    def backward(ctx, grad):
        grad_x, grad_w = ctx.kernel.backward(ctx.state, grad, ctx.needs_input_grad[:2])
        return _with_bias_grad(ctx, grad, grad_x, grad_w)


class ConvTranspose2d(Function):
    """The transposed convolution: y = C^T x, where C is the conv2d (weight, stride, padding,
    dilation, groups) from y's shape to x's. Each input pixel x[n, c, i, j] is spread over a
    kernel-sized patch of the output through weight[c] (C_in, C_out / groups, kH, kW):

        y_pad[n, g Cg + o, i sh + di dh, j sw + dj dw] += sum_c w[c, o, di, dj] x[n, c, i, j]

    then the padding is cut away and b[o] added; it is conv2d's input gradient with x in the
    place of g, so `reference.conv2d_input_grad` computes it.

    VJP: (C^T is linear in x and in w)
        dL/dx = C g: conv2d(g, w, stride, padding, dilation, groups), cut to x's size
                (an output_padding row or column no window of x reached reads nothing back)
        dL/dw = conv2d's weight gradient with g as the conv input and x as its output gradient
        dL/db = sum of g over n, i, j
    Kernels: the reference conv2d and its two gradients (no fast kernel yet).
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None, *, stride, padding, dilation, groups, out_hw):
        ctx.x, ctx.weight = x, weight
        ctx.geometry = stride, padding, dilation, groups
        y_shape = (x.shape[0], weight.shape[1] * groups) + tuple(out_hw)
        y = reference.conv2d_input_grad(x, weight, y_shape, *ctx.geometry)
        return y if bias is None else y + bias.reshape(-1, 1, 1)

    @staticmethod
    def backward(ctx, grad):
        needs, (h, w) = ctx.needs_input_grad, ctx.x.shape[2:]
        grad_x = grad_w = None
        if needs[0]:
            grad_x = np.ascontiguousarray(
                reference.conv2d(grad, ctx.weight, None, *ctx.geometry)[:, :, :h, :w])
        if needs[1]:
            grad_w = reference.conv2d_weight_grad(ctx.x, grad, ctx.weight.shape, *ctx.geometry)
        return _with_bias_grad(ctx, grad, grad_x, grad_w)
