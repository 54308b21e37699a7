"""Adagrad: each parameter's step shrinks with the sum of its squared gradients so far
(Duchi, Hazan & Singer 2011)."""

import numpy as np

from .optimizer import (Optimizer, check_nonnegative, count_step,
                        refuse_unsupported, with_weight_decay, zero_step, zeros_state)


class Adagrad(Optimizer):
    """Adagrad with PyTorch's exact update rule. For each parameter p with gradient g, at
    step t:

        g = -g                                          (if maximize)
        g = g + weight_decay * p                        (L2 penalty, if weight_decay)
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g^2                                     (sum, starts at initial_accumulator_value)
        p = p - clr * g / (sqrt(s) + eps)

    Args (as torch.optim.Adagrad):
        params: iterable of Parameters, of (name, Parameter) pairs, or of param-group dicts.
        lr: learning rate (>= 0).
        lr_decay: the learning rate's decay per step (>= 0).
        weight_decay: L2 penalty coefficient (>= 0).
        initial_accumulator_value: the sum's starting value (>= 0).
        eps: added to the denominator, for stability (>= 0).
        maximize: step up the gradient, to maximize the objective.
        foreach, differentiable, fused: PyTorch's implementation switches; only their
            defaults or False, else NotImplementedError.

    State per parameter, as Tensors: "step" (float32, 0-d) and "sum". As in PyTorch they are
    made when the optimizer is, for every parameter, so the state dict lists them all.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(self.state[p], p._array, group)

    @staticmethod
    def _init_state(state, param, group):
        state["step"] = zero_step()
        state["sum"] = zeros_state(param, group["initial_accumulator_value"])

    def _check_group(self, group):
        check_nonnegative(self, group, "lr", "lr_decay", "weight_decay",
                          "initial_accumulator_value", "eps")
        refuse_unsupported(self, group)

    def _update(self, param, grad, state, group):
        if not state:  # a group added after the optimizer was made
            self._init_state(state, param, group)
        step = count_step(state)
        grad = with_weight_decay(grad, param, group)
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        state_sum = state["sum"]._array
        state_sum += grad * grad
        std = np.sqrt(state_sum) + group["eps"]
        param -= clr * (grad / std)
