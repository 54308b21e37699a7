"""Batch normalization (Ioffe & Szegedy, 2015) for (N, C) and (N, C, H, W) input.

Each channel c is normalized with its own mean and variance, taken over every axis except
the channel axis (N for (N, C); N, H and W for (N, C, H, W)), then scaled and shifted:

    xhat = (x - mean_c) / sqrt(var_c + eps),     y = gamma_c * xhat + beta_c

Training mode uses the batch's statistics (the biased variance, dividing by n) and updates
the running statistics in place; eval mode uses the running statistics, so each example is
then normalized independently of the rest of its batch.
"""

from ..function import Function
from ..kernels import dispatch


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
        ctx.kernel = dispatch.batch_norm_kernel()
        stats = None if training else (running_mean, running_var)
        y, ctx.saved, mean, var = ctx.kernel.forward(x, gamma, beta, eps, stats)
        if training and running_mean is not None:
            n = x.size // x.shape[1]
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
