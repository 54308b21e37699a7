"""Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay."""

from .optimizer import Optimizer


class SGD(Optimizer):
    """SGD with PyTorch's exact update rule. For each parameter p with gradient g:

        g = g + weight_decay * p                          (L2 penalty, if weight_decay)
        if momentum:
            buf = g                          on the first step (no dampening then)
            buf = momentum * buf + (1 - dampening) * g    afterwards
            g = g + momentum * buf           if nesterov, else  g = buf
        p = p - lr * g

    Args:
        params: iterable of Parameters, or of param-group dicts.
        lr: learning rate (>= 0).
        momentum: momentum factor (>= 0; 0 means plain SGD).
        dampening: shrinks the new gradient's share of the momentum buffer.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening = 0).
        weight_decay: L2 penalty coefficient (>= 0).

    State per parameter: "momentum_buffer" (only when momentum > 0).
    """

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, nesterov=False,
                 weight_decay=0.0):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                        weight_decay=weight_decay)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group):
        super()._check_hyperparameters(group)
        if group["momentum"] < 0:
            raise ValueError(f"SGD: invalid momentum={group['momentum']}, must be >= 0")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"SGD: nesterov=True needs momentum > 0 and dampening = 0, got "
                             f"momentum={group['momentum']}, dampening={group['dampening']}")

    def _update(self, param, grad, state, group):
        momentum = group["momentum"]
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param._array
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.copy()
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        param._array -= group["lr"] * grad
