"""RMSprop: divide the gradient by a running root mean square of its recent values
(Hinton's lecture 6e, 2012; the centered form is Graves 2013)."""

import numpy as np

from .optimizer import (Optimizer, check_nonnegative, count_step,
                        refuse_unsupported, with_weight_decay, zero_step, zeros_state)


class RMSprop(Optimizer):
    """RMSprop with PyTorch's exact update rule. For each parameter p with gradient g:

        g = -g                                           (if maximize)
        g = g + weight_decay * p                         (L2 penalty, if weight_decay)
        v = alpha * v + (1 - alpha) * g^2                (square_avg, starts at 0)
        if centered:
            a = alpha * a + (1 - alpha) * g              (grad_avg, starts at 0)
            avg = sqrt(v - a^2) + eps                    (an estimate of g's std, not its rms)
        else:
            avg = sqrt(v) + eps
        if momentum > 0:
            buf = momentum * buf + g / avg;  p = p - lr * buf     (buf starts at 0)
        else:
            p = p - lr * g / avg

    Note that eps is added outside the square root (in Adadelta it is inside).

    Args (as torch.optim.RMSprop):
        params: iterable of Parameters, of (name, Parameter) pairs, or of param-group dicts.
        lr: learning rate (>= 0).
        alpha: the decay rate of the running averages (>= 0).
        eps: added to the denominator, for stability (>= 0).
        weight_decay: L2 penalty coefficient (>= 0).
        momentum: momentum factor (>= 0).
        centered: divide by the gradient's running standard deviation instead of its rms.
        maximize: step up the gradient, to maximize the objective.
        capturable, foreach, differentiable: PyTorch's implementation switches; only their
            defaults or False, else NotImplementedError.

    State per parameter, as Tensors: "step" (float32, 0-d), "square_avg", and
    "momentum_buffer" (momentum > 0) and "grad_avg" (centered).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_nonnegative(self, group, "lr", "eps", "momentum", "weight_decay", "alpha")
        refuse_unsupported(self, group)

    def _update(self, param, grad, state, group):
        alpha, momentum = group["alpha"], group["momentum"]
        if not state:
            state["step"] = zero_step()
            state["square_avg"] = zeros_state(param)
            if momentum > 0:
                state["momentum_buffer"] = zeros_state(param)
            if group["centered"]:
                state["grad_avg"] = zeros_state(param)
        count_step(state)
        grad = with_weight_decay(grad, param, group)
        square_avg = state["square_avg"]._array
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]._array
            grad_avg += (1 - alpha) * (grad - grad_avg)  # = alpha * a + (1 - alpha) * g
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if momentum > 0:
            buf = state["momentum_buffer"]._array
            buf *= momentum
            buf += grad / avg
            param -= group["lr"] * buf
        else:
            param -= group["lr"] * (grad / avg)
