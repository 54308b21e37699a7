"""Adam and AdamW: per-parameter step sizes from running averages of the gradient and of its
square (Kingma & Ba 2015; Loshchilov & Hutter 2019 for AdamW's decoupled weight decay)."""

import math

import numpy as np

from .optimizer import Optimizer, check_betas


class Adam(Optimizer):
    """Adam with PyTorch's exact update rule. For each parameter p with gradient g, at step t:

        g = g + weight_decay * p                             (L2 penalty, if weight_decay)
        m = beta1 * m + (1 - beta1) * g                      (exp_avg, starts at 0)
        v = beta2 * v + (1 - beta2) * g^2                    (exp_avg_sq, starts at 0)
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    The bias corrections 1 - beta^t undo the averages' pull toward their zero start:
    at t = 1, m / (1 - beta1) = g exactly.

    Args:
        params: iterable of Parameters, or of param-group dicts.
        lr: learning rate (>= 0).
        betas: (beta1, beta2), the averages' decay rates, each in [0, 1).
        eps: added to the denominator, for stability (>= 0).
        weight_decay: L2 penalty added to the gradient (>= 0). For decay that is not scaled
            by Adam's step sizes, use AdamW.

    State per parameter: "step" (int), "exp_avg", "exp_avg_sq" (arrays of p's shape).
    """

    _decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group):
        super()._check_hyperparameters(group)
        check_betas(type(self).__name__, group["betas"])
        if group["eps"] < 0:
            raise ValueError(f"{type(self).__name__}: invalid eps={group['eps']}, must be >= 0")

    def _update(self, param, grad, state, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay = group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(param._array)
            state["exp_avg_sq"] = np.zeros_like(param._array)
        state["step"] += 1
        step = state["step"]
        if weight_decay != 0:
            if self._decoupled_weight_decay:
                param._array *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * param._array
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg *= beta1
        exp_avg += (1 - beta1) * grad
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        denom = np.sqrt(exp_avg_sq) / math.sqrt(bias_correction2) + eps
        param._array -= (lr / bias_correction1) * (exp_avg / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay: before the Adam step, p = p * (1 - lr * weight_decay),
    and the gradient is left alone. (Adam's L2 penalty goes through the adaptive step sizes,
    so parameters with large gradients are decayed less; AdamW decays all at the same rate.)

    Args as `Adam`, but weight_decay defaults to 1e-2. State per parameter as `Adam`.
    """

    _decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
