"""Normalization: batch normalization (Ioffe & Szegedy, 2015) for (N, C) and (N, C, H, W) input,
layer normalization (Ba et al., 2016) and group normalization (Wu & He, 2018).

Batch norm: each channel c is normalized with its own mean and variance, taken over every axis except
the channel axis (N for (N, C); N, H and W for (N, C, H, W)), then scaled and shifted:

    xhat = (x - mean_c) / sqrt(var_c + eps),     y = gamma_c * xhat + beta_c

Training mode uses the batch's statistics (the biased variance, dividing by n) and updates
the running statistics in place; eval mode uses the running statistics, so each example is
then normalized independently of the rest of its batch.

Layer norm and group norm normalize each example on its own, over its last axes or over
groups of its channels, the same in training and eval; their backward is batch norm's,
taken over those axes (`reference.normalize_grad`).
"""

import numpy as np

from ..function import Function
from ..kernels import dispatch, reference


class BatchNorm(Function):
    """y = gamma * xhat + beta with xhat = (x - mean) / sqrt(var + eps), per channel.

    Inputs are x, gamma (weight) and beta (bias), both (C,). With n values per channel
    (n = N or N H W) and sums taken per channel over those n values:

    VJP: in training (mean, var are the batch's, so they depend on x),
        dL/dx     = (1/n) * gamma * inv_std * (n * g - sum(g) - xhat * sum(g * xhat))
        dL/dgamma = sum(g * xhat)
        dL/dbeta  = sum(g)
    where inv_std = 1 / sqrt(var + eps). The two subtracted sums are what differentiating
    through the batch mean and the batch variance adds to the plain scaling gamma * inv_std.
    In eval (mean, var are constants): dL/dx = g * gamma * inv_std; gamma and beta as above.

    In training mode forward also updates `running_mean` and `running_var` in place; they are
    buffers passed as parameters, not inputs, and get no gradient.

    Kernels: `reference.batch_norm` and `batch_norm_grad`; the fast one is channel_rows.py.
    """

    @staticmethod
    def forward(ctx, x, gamma, beta, running_mean, running_var, training, momentum, eps):
        ctx.kernel = dispatch.batch_norm_kernel(x.shape[0])
        stats = None if training else (running_mean, running_var)
        y, ctx.saved, mean, var = ctx.kernel.forward(x, gamma, beta, eps, stats)
        n = x.size // max(x.shape[1], 1)
        if training and running_mean is not None and n > 0:  # a batch of 0 leaves them
            running_mean *= 1 - momentum
            running_mean += momentum * mean
            running_var *= 1 - momentum
            running_var += momentum * var * (n / (n - 1))  # unbiased, as PyTorch stores it
        ctx.gamma, ctx.training = gamma, training
        return y

    @staticmethod
    def backward(ctx, grad):
        gx, g_gamma, g_beta = ctx.kernel.backward(grad, ctx.saved, ctx.gamma, ctx.training)
        return tuple(g if need else None for g, need in zip((gx, g_gamma, g_beta),
                                                            ctx.needs_input_grad))


def _affine(ctx, xhat, weight, bias, shape):
    """y = xhat * weight + bias, each reshaped to `shape` to broadcast; None means 1 or 0."""
    ctx.weight = weight if weight is None else weight.reshape(shape)
    y = xhat if weight is None else xhat * ctx.weight
    return y if bias is None else y + bias.reshape(shape)


def _affine_grads(ctx, grad, param_axes, param_shape):
    """(dL/dweight, dL/dbias) = (sum of g xhat, sum of g) over param_axes, for the inputs
    after x that the op was given (weight first); None where no gradient is needed."""
    given = ctx.needs_input_grad[1:]
    grads = []
    if ctx.has_weight:
        grads.append((grad * ctx.xhat).sum(axis=param_axes).reshape(param_shape)
                     if given[0] else None)
    if len(given) > len(grads):
        grads.append(grad.sum(axis=param_axes).reshape(param_shape) if given[-1] else None)
    return grads


class LayerNorm(Function):
    """y = xhat * weight + bias, xhat = (x - mean) / sqrt(var + eps), with the mean and the
    biased variance over the last k axes (k = len(normalized_shape)) of each x[i]: every
    example normalized on its own. weight and bias have the shape of those k axes (each
    element its own scale); either may be absent (1 and 0).

    VJP: with u = g * weight and means over the k axes,
        dL/dx      = inv_std (u - mean(u) - xhat mean(u xhat))
        dL/dweight = sum over the leading axes of g xhat;  dL/dbias = sum of g over them.
    Batch norm's formula over other axes (`reference.normalize_grad`).
    """

    @staticmethod
    def forward(ctx, x, *affine, normalized_ndim, has_weight, eps):
        weight, bias = _split_affine(affine, has_weight)
        ctx.axes = tuple(range(x.ndim - normalized_ndim, x.ndim))
        ctx.xhat, ctx.inv_std = reference.normalize(x, ctx.axes, eps)
        ctx.has_weight = has_weight
        return _affine(ctx, ctx.xhat, weight, bias, x.shape[x.ndim - normalized_ndim:])

    @staticmethod
    def backward(ctx, grad):
        u = grad if ctx.weight is None else grad * ctx.weight
        grad_x = reference.normalize_grad(u, ctx.xhat, ctx.inv_std, ctx.axes)
        leading = tuple(range(grad.ndim - len(ctx.axes)))
        return (grad_x, *_affine_grads(ctx, grad, leading, grad.shape[len(leading):]))


class GroupNorm(Function):
    """y[n, c] = xhat[n, c] * weight[c] + bias[c], where x (N, C, *) is split into G groups of
    C / G channels and xhat = (x - mean) / sqrt(var + eps) with the mean and the biased
    variance over each example's group (its C / G channels and all their positions).

    VJP: with u = g * weight[c] and means over each (n, group),
        dL/dx      = inv_std (u - mean(u) - xhat mean(u xhat))
        dL/dweight[c] = sum over n and the positions of g xhat;  dL/dbias[c] = sum of g.
    Batch norm's formula over other axes (`reference.normalize_grad`).
    """

    @staticmethod
    def forward(ctx, x, *affine, num_groups, has_weight, eps):
        weight, bias = _split_affine(affine, has_weight)
        grouped = x.reshape(_grouped_shape(x.shape, num_groups))
        xhat, ctx.inv_std = reference.normalize(grouped, (2,), eps)
        ctx.xhat, ctx.has_weight = xhat.reshape(x.shape), has_weight
        return _affine(ctx, ctx.xhat, weight, bias, (-1,) + (1,) * (x.ndim - 2))

    @staticmethod
    def backward(ctx, grad):
        u = grad if ctx.weight is None else grad * ctx.weight
        grouped = _grouped_shape(grad.shape, ctx.inv_std.shape[1])
        grad_x = reference.normalize_grad(u.reshape(grouped), ctx.xhat.reshape(grouped),
                                          ctx.inv_std, (2,)).reshape(grad.shape)
        others = (0,) + tuple(range(2, grad.ndim))
        return (grad_x, *_affine_grads(ctx, grad, others, (grad.shape[1],)))


def _grouped_shape(shape, num_groups):
    """(N, G, values per group), spelled out: an empty batch cannot reshape to -1."""
    return shape[0], num_groups, int(np.prod(shape[1:])) // num_groups


def _split_affine(affine, has_weight):
    """(weight, bias) from the inputs after x: none, the weight, the bias, or both."""
    if has_weight:
        return affine[0], (affine[1] if len(affine) > 1 else None)
    return None, (affine[0] if affine else None)
