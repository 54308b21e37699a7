"""Adadelta: a step size with the units of the parameter, from running averages of the
squared gradients and of the squared steps (Zeiler 2012)."""

import numpy as np

from .optimizer import (Optimizer, check_nonnegative, check_value, count_step,
                        refuse_unsupported, with_weight_decay, zero_step, zeros_state)


class Adadelta(Optimizer):
    """Adadelta with PyTorch's exact update rule. For each parameter p with gradient g:

        g = -g                                          (if maximize)
        g = g + weight_decay * p                        (L2 penalty, if weight_decay)
        v = rho * v + (1 - rho) * g^2                   (square_avg, starts at 0)
        delta = sqrt(u + eps) / sqrt(v + eps) * g       (u: acc_delta, starts at 0)
        u = rho * u + (1 - rho) * delta^2
        p = p - lr * delta

    Note that eps is inside the square roots (in RMSprop it is outside); the ratio of the
    two rms values gives the step the units of p, so lr = 1.0 is the usual choice.

    Args (as torch.optim.Adadelta):
        params: iterable of Parameters, of (name, Parameter) pairs, or of param-group dicts.
        lr: a factor on delta (>= 0).
        rho: the decay rate of the running averages, in [0, 1].
        eps: added inside the square roots, for stability (>= 0).
        weight_decay: L2 penalty coefficient (>= 0).
        maximize: step up the gradient, to maximize the objective.
        foreach, capturable, differentiable: PyTorch's implementation switches; only their
            defaults or False, else NotImplementedError.

    State per parameter, as Tensors: "step" (float32, 0-d), "square_avg", "acc_delta".
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_nonnegative(self, group, "lr")
        check_value(self, "rho value", group["rho"], high=1.0)
        check_nonnegative(self, group, "eps", "weight_decay")
        refuse_unsupported(self, group)

    def _update(self, param, grad, state, group):
        rho, eps = group["rho"], group["eps"]
        if not state:
            state["step"] = zero_step()
            state["square_avg"] = zeros_state(param)
            state["acc_delta"] = zeros_state(param)
        count_step(state)
        grad = with_weight_decay(grad, param, group)
        square_avg, acc_delta = state["square_avg"]._array, state["acc_delta"]._array
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        param -= group["lr"] * delta
