"""Deep plain and residual stacks: the specimens of the gradient-flow study.

A stack is a stem, a body of `depth` blocks of identical shape, and a head:

    plain block:      x_{l+1} = F(x_l)
    residual block:   x_{l+1} = shortcut_scale * x_l + F(x_l)

with a pre-activation branch F(x) = W act(x) + b (a Linear for MLP stacks, a 3x3 conv for
CNN stacks), as in He et al. 2016 ("Identity mappings in deep residual networks"), so that
the shortcut carries x_l untouched and the residual twin differs from the plain stack only by
the shortcut. Each block's Jacobian is dF/dx (plain) or shortcut_scale * I + dF/dx
(residual): the "+1" the study is about.

`branch_scale` multiplies the branch's weights and bias after initialization, i.e. scales F by
that factor. 1/sqrt(depth) keeps a deep residual stack's activations from growing with depth;
0 starts every block at the identity (SkipInit, De & Smith 2020; Fixup, Zhang et al. 2019).
"""

import math

import numpy as np

from minigrad import nn
from minigrad.nn import init as nn_init

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}

#: How each initialization scheme fills a weight (biases start at zero in every scheme).
#: "standard" is Glorot & Bengio's (2010) name for U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
INITS = ("standard", "xavier", "he", "pytorch")


def initialize(layer, scheme, generator):
    """Fill a Linear or conv layer's weight by `scheme` and zero its bias ('pytorch' keeps
    the layer's own PyTorch-style default)."""
    if scheme == "pytorch":
        return
    weight = layer.weight
    if scheme == "standard":
        fan_in, _ = nn_init.calculate_fan_in_and_fan_out(weight)
        bound = 1.0 / math.sqrt(fan_in)
        nn_init.uniform_(weight, -bound, bound, generator=generator)
    elif scheme == "xavier":
        nn_init.xavier_uniform_(weight, generator=generator)
    elif scheme == "he":
        nn_init.kaiming_normal_(weight, nonlinearity="relu", generator=generator)
    else:
        raise ValueError(f"init: unknown scheme {scheme!r}; expected one of {INITS}")
    if layer.bias is not None:
        nn_init.zeros_(layer.bias)


class Stack(nn.Module):
    """stem -> blocks -> head. `blocks` is an nn.Sequential whose outputs are the block
    boundaries where the gradient-flow study measures ||dL/dx_l||."""

    def __init__(self, stem, blocks, head):
        super().__init__()
        self.stem = stem
        self.blocks = blocks
        self.head = head

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


def _check(depth, activation, init):
    if not isinstance(depth, int) or depth < 1:
        raise ValueError(f"stack: depth must be a positive int, got {depth!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"stack: unknown activation {activation!r}; expected one of {sorted(ACTIVATIONS)}"
        )
    if init not in INITS:
        raise ValueError(f"stack: unknown init {init!r}; expected one of {INITS}")


def _branch(make_layer, activation, init, branch_scale, generator):
    layer = make_layer()
    initialize(layer, init, generator)
    if branch_scale != 1.0:
        layer.weight.data *= branch_scale
        if layer.bias is not None:
            layer.bias.data *= branch_scale
    return nn.Sequential(ACTIVATIONS[activation](), layer)


def _body(depth, make_layer, activation, init, residual, shortcut_scale, shortcut_grad,
          branch_scale, generator):
    blocks = []
    for _ in range(depth):
        branch = _branch(make_layer, activation, init, branch_scale, generator)
        if residual:
            blocks.append(nn.ResidualBlock(branch, shortcut_scale=shortcut_scale,
                                           shortcut_grad=shortcut_grad))
        else:
            blocks.append(branch)
    return nn.Sequential(*blocks)


def _mlp(depth, width, activation, init, residual, shortcut_scale=1.0, shortcut_grad=True,
         branch_scale=1.0, in_features=64, num_classes=10, generator=None):
    _check(depth, activation, init)
    generator = generator if generator is not None else np.random.default_rng(0)
    stem = nn.Sequential(nn.Flatten(), nn.Linear(in_features, width, generator=generator))
    initialize(stem[1], init, generator)
    body = _body(depth, lambda: nn.Linear(width, width, generator=generator), activation, init,
                 residual, shortcut_scale, shortcut_grad, branch_scale, generator)
    head = nn.Sequential(ACTIVATIONS[activation](),
                         nn.Linear(width, num_classes, generator=generator))
    initialize(head[1], init, generator)
    return Stack(stem, body, head)


def plain_mlp(depth, width=64, activation="tanh", init="standard", **kwargs):
    """A plain MLP: `depth` blocks x_{l+1} = W_l act(x_l) + b_l of `width` units.

    Args: depth, width, activation ('tanh', 'relu', 'sigmoid'), init ('standard', 'xavier',
    'he', 'pytorch'); keyword `in_features` (64, the digits' 8x8), `num_classes` (10),
    `branch_scale`, `generator` (a numpy Generator; seeded 0 when omitted).
    Input (N, ...) is flattened to (N, in_features); output (N, num_classes).
    """
    return _mlp(depth, width, activation, init, residual=False, **kwargs)


def residual_mlp(depth, width=64, activation="tanh", init="standard", shortcut_scale=1.0,
                 shortcut_grad=True, **kwargs):
    """The residual twin of `plain_mlp`: x_{l+1} = shortcut_scale * x_l + W_l act(x_l) + b_l.

    `shortcut_grad=False` keeps the forward and drops the shortcut's gradient (the "+1"
    ablation, deliberately not the true gradient; see `F.skip_add`).
    """
    return _mlp(depth, width, activation, init, residual=True, shortcut_scale=shortcut_scale,
                shortcut_grad=shortcut_grad, **kwargs)


def _cnn(depth, width, activation, init, residual, shortcut_scale=1.0, shortcut_grad=True,
         branch_scale=1.0, in_channels=1, num_classes=10, generator=None):
    _check(depth, activation, init)
    generator = generator if generator is not None else np.random.default_rng(0)
    stem = nn.Conv2d(in_channels, width, 3, padding=1, generator=generator)
    initialize(stem, init, generator)
    body = _body(depth, lambda: nn.Conv2d(width, width, 3, padding=1, generator=generator),
                 activation, init, residual, shortcut_scale, shortcut_grad, branch_scale,
                 generator)
    head = nn.Sequential(ACTIVATIONS[activation](), nn.GlobalAvgPool2d(), nn.Flatten(),
                         nn.Linear(width, num_classes, generator=generator))
    initialize(head[3], init, generator)
    return Stack(stem, body, head)


def plain_cnn(depth, width=16, activation="relu", init="he", **kwargs):
    """A plain CNN stack: `depth` blocks x_{l+1} = conv3x3(act(x_l)) at `width` channels,
    same spatial size throughout; global average pooling and a Linear head.

    Input (N, in_channels, H, W) (default in_channels=1 for digits); output (N, num_classes).
    """
    return _cnn(depth, width, activation, init, residual=False, **kwargs)


def residual_cnn(depth, width=16, activation="relu", init="he", shortcut_scale=1.0,
                 shortcut_grad=True, **kwargs):
    """The residual twin of `plain_cnn`: x_{l+1} = shortcut_scale * x_l + conv3x3(act(x_l))."""
    return _cnn(depth, width, activation, init, residual=True, shortcut_scale=shortcut_scale,
                shortcut_grad=shortcut_grad, **kwargs)
