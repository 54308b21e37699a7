"""Adam and AdamW: per-parameter step sizes from running averages of the gradient and of its
square (Kingma & Ba 2015; Reddi et al. 2018 for AMSGrad; Loshchilov & Hutter 2019 for
AdamW's decoupled weight decay)."""

import math

import numpy as np

from .optimizer import (Optimizer, check_nonnegative, check_value, count_step,
                        refuse_unsupported, with_weight_decay, zero_step, zeros_state)


class Adam(Optimizer):
    """Adam with PyTorch's exact update rule. For each parameter p with gradient g, at step t:

        g = -g                                               (if maximize)
        p = p * (1 - lr * weight_decay)     if decoupled_weight_decay (AdamW), else
        g = g + weight_decay * p                             (L2 penalty, if weight_decay)
        m = beta1 * m + (1 - beta1) * g                      (exp_avg, starts at 0)
        v = beta2 * v + (1 - beta2) * g^2                    (exp_avg_sq, starts at 0)
        v_max = max(v_max, v); use v_max for v below         (if amsgrad)
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    The bias corrections 1 - beta^t undo the averages' pull toward their zero start:
    at t = 1, m / (1 - beta1) = g exactly. AMSGrad divides by the largest v so far, so a
    parameter's step size never grows.

    Args (as torch.optim.Adam):
        params: iterable of Parameters, of (name, Parameter) pairs, or of param-group dicts.
        lr: learning rate (>= 0).
        betas: (beta1, beta2), the averages' decay rates, each in [0, 1).
        eps: added to the denominator, for stability (>= 0).
        weight_decay: L2 penalty added to the gradient (>= 0), or with
            decoupled_weight_decay=True, the rate the weights shrink by (AdamW).
        amsgrad: use the running maximum of v (AMSGrad).
        maximize: step up the gradient, to maximize the objective.
        foreach, capturable, differentiable, fused: PyTorch's implementation switches; only
            their defaults or False, else NotImplementedError.

    State per parameter, as Tensors: "step" (float32, 0-d), "exp_avg", "exp_avg_sq", and
    "max_exp_avg_sq" with amsgrad.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_nonnegative(self, group, "lr", "eps")
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{type(self).__name__}: betas must be a pair (beta1, beta2), "
                             f"got {betas!r}")
        for i, beta in enumerate(betas):
            check_value(self, f"beta parameter at index {i}", beta, high=1.0,
                        high_included=False)
        check_nonnegative(self, group, "weight_decay")
        refuse_unsupported(self, group)

    def _update(self, param, grad, state, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay = group["weight_decay"]
        if not state:
            state["step"] = zero_step()
            state["exp_avg"] = zeros_state(param)
            state["exp_avg_sq"] = zeros_state(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_state(param)
        step = count_step(state)
        if not group["decoupled_weight_decay"]:
            grad = with_weight_decay(grad, param, group)
        elif weight_decay != 0:
            param *= 1 - lr * weight_decay
        exp_avg, exp_avg_sq = state["exp_avg"]._array, state["exp_avg_sq"]._array
        exp_avg += (1 - beta1) * (grad - exp_avg)  # = beta1 * m + (1 - beta1) * g
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"]._array, exp_avg_sq,
                       out=state["max_exp_avg_sq"]._array)
            exp_avg_sq = state["max_exp_avg_sq"]._array
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        denom = np.sqrt(exp_avg_sq) / math.sqrt(bias_correction2) + eps
        param -= (lr / bias_correction1) * (exp_avg / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay: before the Adam step, p = p * (1 - lr * weight_decay),
    and the gradient is left alone. (Adam's L2 penalty goes through the adaptive step sizes,
    so parameters with large gradients are decayed less; AdamW decays all at the same rate.)
    The same as Adam(..., decoupled_weight_decay=True).

    Args as `Adam` (without decoupled_weight_decay), but weight_decay defaults to 1e-2.
    State per parameter as `Adam`.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
