"""Residual blocks (He et al. 2015): y = F(x) + shortcut(x).

Why the skip helps training: with y = F(x) + x,

    dL/dx = dL/dy * (dF/dx + 1)

The "+1" hands dL/dy to x unchanged however small dF/dx has become, so gradients reach the
first layers of a deep stack of blocks. `ResidualBlock(..., shortcut_grad=False)` removes
exactly that term, to measure what it carries (an ablation, not the true gradient).

When F changes the shape (more channels, stride 2), the shortcut must too. He et al. give
two options, both here:
    A. ZeroPadShortcut: subsample, then append zero channels. No parameters.
    B. ProjectionShortcut: a strided 1x1 convolution W_s x. Learned; often followed by
       BatchNorm2d, composed as Sequential(ProjectionShortcut(...), BatchNorm2d(...)).
"""

import numpy as np

from .. import functional as F
from .container import Identity
from ..functional.checks import int_pair, positive_ints
from .linear import reset_weight_and_bias
from .module import Module, Parameter, factory_dtype


class ResidualBlock(Module):
    """y = activation(branch(x) + shortcut_scale * shortcut(x)).

    Args:
        branch: the residual function F, a Module (e.g. conv-BN-ReLU-conv-BN).
        shortcut: None for the identity (the usual case, when F keeps the shape), or a Module
            that brings x to F(x)'s shape: ZeroPadShortcut (option A), ProjectionShortcut
            (option B), or a Sequential of a projection and a BatchNorm2d.
        shortcut_scale: multiplies the shortcut (1.0 in He et al.).
        shortcut_grad: True gives the true gradient. False is an ABLATION: the forward is
            unchanged, but no gradient flows back through the shortcut, removing the "+1" of
            dL/dx = dL/dy * (dF/dx + 1); x still receives dL/dy * dF/dx through the branch.
        activation: a Module applied after the sum, or None. He et al. (2015) put a ReLU
            there: ResidualBlock(branch, activation=nn.ReLU()).

    The sum is `F.skip_add` (minigrad/ops/residual.py), which has the gradient formulas.
    """

    def __init__(self, branch, shortcut=None, shortcut_scale=1.0, shortcut_grad=True,
                 activation=None):
        super().__init__()
        for name, module in (("branch", branch), ("shortcut", shortcut),
                             ("activation", activation)):
            if module is not None and not isinstance(module, Module):
                raise TypeError(f"ResidualBlock: {name} must be a Module or None, got "
                                f"{type(module).__name__}")
        if branch is None:
            raise TypeError("ResidualBlock: branch must be a Module, got None")
        self.branch = branch
        self.shortcut = Identity() if shortcut is None else shortcut
        self.activation = activation
        self.shortcut_scale = shortcut_scale
        self.shortcut_grad = shortcut_grad

    def forward(self, x):
        y = F.skip_add(self.shortcut(x), self.branch(x), shortcut_scale=self.shortcut_scale,
                       shortcut_grad=self.shortcut_grad)
        return y if self.activation is None else self.activation(y)

    def extra_repr(self):
        text = []
        if self.shortcut_scale != 1.0:
            text.append(f"shortcut_scale={self.shortcut_scale}")
        if not self.shortcut_grad:
            text.append("shortcut_grad=False")
        return ", ".join(text)


class ZeroPadShortcut(Module):
    """Option A shortcut: x[:, :, ::stride, ::stride] followed by zero channels up to
    out_channels (channel c of the output is channel c of the input). No parameters.

    Shapes: (N, C, H, W) -> (N, out_channels, ceil(H / stride), ceil(W / stride)).
    """

    def __init__(self, out_channels, stride=1):
        super().__init__()
        positive_ints("ZeroPadShortcut", out_channels=out_channels)
        int_pair("ZeroPadShortcut", "stride", stride, 1)
        self.out_channels = out_channels
        self.stride = stride

    def forward(self, x):
        return F.zero_pad_shortcut(x, self.out_channels, stride=self.stride)

    def extra_repr(self):
        return f"{self.out_channels}, stride={self.stride}"


class ProjectionShortcut(Module):
    """Option B shortcut: a strided 1x1 convolution without bias, W_s x.

    Args: in_channels, out_channels, stride (an int or a pair).
    Shapes: (N, C_in, H, W) -> (N, C_out, ceil(H / stride), ceil(W / stride)).
    Parameters: weight (C_out, C_in, 1, 1).
    Initialization: as a 1x1 Conv2d, kaiming_uniform_(a=sqrt(5)) = U(-1/sqrt(C_in), 1/sqrt(C_in)).
    He et al. follow it with BatchNorm: Sequential(ProjectionShortcut(...), BatchNorm2d(C_out)).
    """

    def __init__(self, in_channels, out_channels, stride=1, *, generator=None, device=None,
                 dtype=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        positive_ints("ProjectionShortcut", in_channels=in_channels, out_channels=out_channels)
        int_pair("ProjectionShortcut", "stride", stride, 1)
        self.in_channels, self.out_channels, self.stride = in_channels, out_channels, stride
        self.weight = Parameter(np.empty((out_channels, in_channels, 1, 1), dtype=dtype))
        reset_weight_and_bias(self.weight, None, generator)

    def forward(self, x):
        return F.shortcut_projection(x, self.weight, stride=self.stride)

    def extra_repr(self):
        return f"{self.in_channels}, {self.out_channels}, stride={self.stride}"
