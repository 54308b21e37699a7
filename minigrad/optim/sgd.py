"""Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay."""

from ..tensor import Tensor
from .optimizer import (Optimizer, check_nonnegative, check_value, refuse_unsupported,
                        with_weight_decay)


class SGD(Optimizer):
    """SGD with PyTorch's exact update rule. For each parameter p with gradient g:

        g = -g                                            (if maximize)
        g = g + weight_decay * p                          (L2 penalty, if weight_decay)
        if momentum:
            buf = g                          on the first step (no dampening then)
            buf = momentum * buf + (1 - dampening) * g    afterwards
            g = g + momentum * buf           if nesterov, else  g = buf
        p = p - lr * g

    Args (as torch.optim.SGD):
        params: iterable of Parameters, of (name, Parameter) pairs, or of param-group dicts.
        lr: learning rate (>= 0).
        momentum: momentum factor (>= 0; 0 means plain SGD).
        dampening: shrinks the new gradient's share of the momentum buffer.
        weight_decay: L2 penalty coefficient (>= 0).
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening = 0).
        maximize: step up the gradient, to maximize the objective.
        foreach, differentiable, fused: PyTorch's implementation switches; only their
            defaults (None, False, None) or False, else NotImplementedError.

    State per parameter: "momentum_buffer" (a Tensor, only when momentum != 0).
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def _check_group(self, group):
        check_nonnegative(self, group, "lr", "momentum", "weight_decay")
        check_value(self, "dampening value", group["dampening"], low=-float("inf"))
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"SGD: Nesterov momentum requires a momentum and zero dampening, "
                             f"got momentum={group['momentum']}, "
                             f"dampening={group['dampening']}")
        refuse_unsupported(self, group)

    def _update(self, param, grad, state, group):
        momentum = group["momentum"]
        grad = with_weight_decay(grad, param, group)
        if momentum != 0:
            if "momentum_buffer" in state:
                buf = state["momentum_buffer"]._array
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            else:
                buf = grad.copy()
                state["momentum_buffer"] = Tensor._plain(buf)
            grad = grad + momentum * buf if group["nesterov"] else buf
        param -= group["lr"] * grad
