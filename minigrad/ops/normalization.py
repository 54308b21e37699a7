"""Batch normalization (Ioffe & Szegedy, 2015) for (N, C) and (N, C, H, W) input.

Each channel c is normalized with its own mean and variance, taken over every axis except
the channel axis (N for (N, C); N, H and W for (N, C, H, W)), then scaled and shifted:

    xhat = (x - mean_c) / sqrt(var_c + eps),     y = gamma_c * xhat + beta_c

Training mode uses the batch's statistics (the biased variance, dividing by n) and updates
the running statistics in place; eval mode uses the running statistics, so each example is
then normalized independently of the rest of its batch.
"""

import numpy as np

from ..function import Function


def _as_rows(a):
    """(N, C) or (N, C, H, W) -> (N, C * H * W): one row per example, channel c's H W values
    in columns c HW ... (c + 1) HW - 1 (a view when `a` is contiguous)."""
    return a.reshape(a.shape[0], -1)


def _channel_sum(rows, channels):
    """The per-channel sum over the batch and the pixels of `rows` (N, C H W) -> (C,).

    The batch axis goes first: adding the N contiguous rows element by element is one
    vectorized pass, leaving a small (C, H W) array to sum along its rows. numpy's reduce
    over the axes (0, 2, 3) of an NCHW array at once walks it in a slower order (5-10x slower
    for ResNet's (128, C, 8x8 or smaller) maps, where this sum was much of batch norm's time).
    """
    return np.add.reduce(rows, axis=0).reshape(channels, -1).sum(axis=1)


def _spread(values, pixels):
    """(C,) -> (C * pixels,): each channel's value repeated over its columns of a row.

    Per-channel scalings then multiply whole contiguous rows of C H W values, instead of
    broadcasting (1, C, 1, 1) over runs of H W: with ResNet's small maps those runs are
    64, 16 or 4 floats, and numpy's per-run overhead made each pass 1.3-4x slower.
    """
    return np.repeat(values, pixels)


class BatchNorm(Function):
    """y = gamma * xhat + beta with xhat = (x - mean) / sqrt(var + eps), per channel.

    Inputs are x, gamma (weight) and beta (bias), both (C,). With n values per channel
    (n = N or N*H*W) and sums taken per channel over those n values:

    Training (mean, var are the batch's, so they depend on x):
        dL/dx     = (1/n) * gamma * inv_std * (n * g - sum(g) - xhat * sum(g * xhat))
        dL/dgamma = sum(g * xhat)
        dL/dbeta  = sum(g)
    where inv_std = 1 / sqrt(var + eps). The two subtracted sums are what differentiating
    through the batch mean and the batch variance adds to the plain scaling gamma * inv_std.

    Eval (mean, var are constants): dL/dx = g * gamma * inv_std; gamma and beta as above.

    In training mode forward also updates `running_mean` and `running_var` in place (see
    `batch_norm`); they are buffers passed as parameters, not inputs, and get no gradient.
    """

    @staticmethod
    def forward(ctx, x, gamma, beta, running_mean, running_var, training, momentum, eps):
        channels = x.shape[1]
        rows = _as_rows(x)
        pixels = rows.shape[1] // channels  # H W, or 1 for (N, C)
        if training:
            n = x.size // channels
            mean = _channel_sum(rows, channels) / n
            centered = rows - _spread(mean, pixels)
            # biased (divides by n): it normalizes
            var = _channel_sum(np.square(centered), channels) / n
            if running_mean is not None:
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += momentum * var * (n / (n - 1))  # unbiased, as PyTorch stores it
        else:
            mean = running_mean.astype(x.dtype, copy=False)
            var = running_var.astype(x.dtype, copy=False)
            centered = rows - _spread(mean, pixels)
        inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        xhat = centered
        xhat *= _spread(inv_std, pixels)
        ctx.save_for_backward(xhat, inv_std, gamma)
        ctx.training = training
        y = xhat * _spread(gamma, pixels)
        y += _spread(beta, pixels)
        return y.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        xhat, inv_std, gamma = ctx.saved  # xhat as rows (N, C H W)
        need_x, need_gamma, need_beta = ctx.needs_input_grad
        channels = grad.shape[1]
        g = _as_rows(grad)
        pixels = g.shape[1] // channels
        sum_g = _channel_sum(g, channels)
        product = g * xhat
        sum_g_xhat = _channel_sum(product, channels)
        gx = None
        if need_x:
            scale = _spread(gamma * inv_std, pixels)
            if ctx.training:
                # The docstring's formula with 1/n taken inside the brackets:
                # gamma * inv_std * (g - mean(g) - xhat * mean(g * xhat)), in place in the
                # buffer of g * xhat, no longer needed.
                n = grad.size // channels
                gx = np.multiply(xhat, _spread(sum_g_xhat / n, pixels), out=product)
                np.subtract(g, gx, out=gx)
                gx -= _spread(sum_g / n, pixels)
                gx *= scale
            else:
                gx = g * scale
            gx = gx.reshape(grad.shape)
        return (
            gx,
            sum_g_xhat if need_gamma else None,
            sum_g if need_beta else None,
        )


def _as_array(x):
    from ..tensor import Tensor

    return x.data if isinstance(x, Tensor) else x


def _check_buffer(name, value, channels):
    """A running statistic: a float numpy array (or grad-free Tensor) of shape (C,)."""
    from ..tensor import Tensor

    if isinstance(value, Tensor):
        if value.requires_grad:
            raise TypeError(
                f"batch_norm: {name} is a buffer updated in place and must not require grad"
            )
        value = value.data
    if not isinstance(value, np.ndarray):
        raise TypeError(
            f"batch_norm: {name} must be a numpy array or Tensor of shape ({channels},), got "
            f"{type(value).__name__}"
        )
    if value.shape != (channels,):
        raise ValueError(
            f"batch_norm: {name} must have shape ({channels},) (one value per channel), got "
            f"{value.shape}"
        )
    if not np.issubdtype(value.dtype, np.floating):
        raise TypeError(f"batch_norm: {name} must be floating point, got dtype {value.dtype}")
    return value


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalization, as `torch.nn.functional.batch_norm`.

    Args:
        x: Tensor (N, C) or (N, C, H, W), floating point.
        running_mean, running_var: (C,) float numpy arrays or Tensors without grad (buffers).
            In training mode they are updated IN PLACE, as PyTorch does:
                running_mean = (1 - momentum) * running_mean + momentum * batch_mean
                running_var  = (1 - momentum) * running_var  + momentum * batch_var * n/(n-1)
            (the running variance stores the unbiased estimate; normalization uses the biased
            one). May both be None in training mode, then nothing is tracked.
        weight, bias: (C,) Tensors gamma and beta, or None (meaning 1 and 0).
        training: True: normalize with the batch's statistics and update the running ones.
            False: normalize with the running statistics.
        momentum: weight of the new batch in the running averages.
        eps: added to the variance before the square root.

    Returns:
        Tensor of x's shape. Differentiable in x, weight and bias (formulas in `BatchNorm`).
    """
    from ..tensor import Tensor

    shape = np.shape(_as_array(x))
    if len(shape) not in (2, 4):
        raise ValueError(
            f"batch_norm: x must be 2-D (N, C) or 4-D (N, C, H, W), got shape {shape}"
        )
    if not np.issubdtype(np.asarray(_as_array(x)).dtype, np.floating):
        raise TypeError(f"batch_norm: x must be floating point, got dtype {_as_array(x).dtype}")
    channels = shape[1]
    per_channel = int(np.prod(shape)) // max(channels, 1)
    if training and per_channel <= 1:
        raise ValueError(
            f"batch_norm: expected more than 1 value per channel when training, got input "
            f"shape {shape} ({per_channel} value per channel); the batch variance needs at "
            f"least 2"
        )
    if (running_mean is None) != (running_var is None):
        raise ValueError("batch_norm: give both running_mean and running_var, or neither")
    if running_mean is None:
        if not training:
            raise ValueError(
                "batch_norm: eval mode (training=False) normalizes with running_mean and "
                "running_var, so they cannot be None"
            )
    else:
        running_mean = _check_buffer("running_mean", running_mean, channels)
        running_var = _check_buffer("running_var", running_var, channels)
    dtype = np.asarray(_as_array(x)).dtype
    affine = []
    for name, value, default in (("weight", weight, 1.0), ("bias", bias, 0.0)):
        if value is None:
            value = Tensor(np.full(channels, default, dtype=dtype))
        elif np.shape(_as_array(value)) != (channels,):
            raise ValueError(
                f"batch_norm: {name} must have shape ({channels},) (one value per channel), "
                f"got {np.shape(_as_array(value))}"
            )
        affine.append(value)
    return BatchNorm.apply(
        x, *affine, running_mean=running_mean, running_var=running_var,
        training=bool(training), momentum=momentum, eps=eps,
    )
