"""The residual connection (He et al., 2015): y = F(x) + x. (The shortcuts used when F changes
the shape are compositions of other ops: functional/residual.py.)

Why the skip helps gradients flow: with y = F(x) + x,

    dL/dx = dL/dy * (dF/dx + 1)

The "+1" carries dL/dy to x unchanged however small dF/dx has become, so a deep stack of
residual blocks never multiplies the gradient down to nothing. `skip_add` can switch that
one term off (shortcut_grad=False) to show what happens without it.
"""

import numpy as np

from ..function import Function


class SkipAdd(Function):
    """y = fx + s * x, the output of a residual block (fx = F(x), s = shortcut_scale).

    VJP: dL/dfx = g;  dL/dx = s * g when the shortcut passes gradient, else 0.
    With shortcut_grad=False the x-gradient of THIS op is zero, deliberately not the true
    derivative; x still gets whatever gradient reaches it through F's own graph.
    """

    @staticmethod
    def forward(ctx, x, fx, shortcut_scale=1.0, shortcut_grad=True):
        ctx.shortcut_scale = shortcut_scale
        ctx.shortcut_grad = shortcut_grad
        return fx + shortcut_scale * x

    @staticmethod
    def backward(ctx, grad):
        need_x, need_fx = ctx.needs_input_grad
        gx = None
        if need_x:
            # Zeros rather than None, so x.grad shows the blocked shortcut as 0, not "no grad".
            gx = ctx.shortcut_scale * grad if ctx.shortcut_grad else np.zeros_like(grad)
        return gx, (grad if need_fx else None)
