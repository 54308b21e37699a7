"""CIFAR-style ResNets and their plain twins (He et al. 2015, "Deep residual learning", 4.2).

    stem:    3x3 conv to 16 channels, BN, ReLU
    stages:  3 stages of n blocks at 16, 32 and 64 channels; the first block of stages 2 and 3
             halves the spatial size (stride 2) and doubles the channels
    block:   conv-BN-ReLU-conv-BN, plus the shortcut (residual nets only), then ReLU
    head:    global average pooling, then a Linear classifier

That is 6n + 2 weighted layers: resnet20 has n = 3. Where a block changes shape, the shortcut
is option A (subsample and pad with zero channels: no parameters, so resnet20 and plain20
have the same count) or option B (a strided 1x1 conv and BN).

On the digits' 1x8x8 images the stem is the same 3x3, stride-1 conv as on CIFAR's 3x32x32:
the three stages then see 8x8, 4x4 and 2x2 maps. A stride-2 stem, or pooling, would leave
the last stage a single pixel, where a 3x3 conv sees mostly padding.

`block` picks the conv that every 3x3 in the body is built from: 'standard', or the seed's
'depthwise_separable' (depthwise 3x3 then pointwise 1x1) or 'spatial_separable' (1x3 then
3x1), so one study can compare the variants at the same depth.
"""

import numpy as np

from minigrad import nn
from minigrad.nn import init as nn_init

from .stacks import Stack

BLOCKS = ("standard", "depthwise_separable", "spatial_separable")
SHORTCUTS = ("A", "B")


def conv3x3(kind, c_in, c_out, stride, generator):
    """A 3x3-receptive-field conv of the chosen kind, padding 1, no bias (BN follows)."""
    if kind == "standard":
        layer = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False,
                          generator=generator)
    elif kind == "depthwise_separable":
        layer = nn.DepthwiseSeparableConv2d(c_in, c_out, 3, stride=stride, padding=1,
                                            bias=False, generator=generator)
    elif kind == "spatial_separable":
        layer = nn.SpatialSeparableConv2d(c_in, c_out, 3, stride=stride, padding=1,
                                          bias=False, generator=generator)
    else:
        raise ValueError(f"resnet: unknown block {kind!r}; expected one of {BLOCKS}")
    # He et al. initialize convs with the He normal init; PyTorch's default is a smaller uniform.
    for param in layer.parameters():
        if param.ndim == 4:
            nn_init.kaiming_normal_(param, nonlinearity="relu", generator=generator)
    return layer


def basic_block(kind, c_in, c_out, stride, residual, shortcut, shortcut_scale, shortcut_grad,
                generator):
    branch = nn.Sequential(
        conv3x3(kind, c_in, c_out, stride, generator), nn.BatchNorm2d(c_out), nn.ReLU(),
        conv3x3(kind, c_out, c_out, 1, generator), nn.BatchNorm2d(c_out),
    )
    if not residual:
        return nn.Sequential(branch, nn.ReLU())
    if stride == 1 and c_in == c_out:
        path = None  # identity
    elif shortcut == "A":
        path = nn.ZeroPadShortcut(c_out, stride)
    else:
        path = nn.Sequential(nn.ProjectionShortcut(c_in, c_out, stride, generator=generator),
                             nn.BatchNorm2d(c_out))
    return nn.Sequential(
        nn.ResidualBlock(branch, path, shortcut_scale=shortcut_scale,
                         shortcut_grad=shortcut_grad),
        nn.ReLU(),
    )


def resnet(n, block="standard", shortcut="A", in_channels=3, num_classes=10, *, residual=True,
           shortcut_scale=1.0, shortcut_grad=True, generator=None):
    """A CIFAR-style ResNet with 6n+2 weighted layers (see the module docstring).

    Args:
        n: blocks per stage (3 for resnet20, 18 for resnet110).
        block: 'standard', 'depthwise_separable' or 'spatial_separable'.
        shortcut: 'A' (zero-padding, parameter-free) or 'B' (1x1 projection) where shapes change.
        in_channels, num_classes: 3 and 10 for CIFAR-10; 1 and 10 for digits.
        residual: False builds the plain twin (same layers, no shortcuts).
        shortcut_scale, shortcut_grad: passed to every skip-add (see `F.skip_add`).
        generator: numpy Generator for the initialization (seeded 0 when omitted).
    Input (N, in_channels, H, W); output (N, num_classes) logits.
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"resnet: n must be a positive int, got {n!r}")
    if block not in BLOCKS:
        raise ValueError(f"resnet: unknown block {block!r}; expected one of {BLOCKS}")
    if shortcut not in SHORTCUTS:
        raise ValueError(f"resnet: unknown shortcut {shortcut!r}; expected 'A' or 'B'")
    generator = generator if generator is not None else np.random.default_rng(0)
    stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False,
                                   generator=generator),
                         nn.BatchNorm2d(16), nn.ReLU())
    nn_init.kaiming_normal_(stem[0].weight, nonlinearity="relu", generator=generator)
    blocks, c_in = [], 16
    for stage, c_out in enumerate((16, 32, 64)):
        for i in range(n):
            stride = 2 if stage > 0 and i == 0 else 1
            blocks.append(basic_block(block, c_in, c_out, stride, residual, shortcut,
                                      shortcut_scale, shortcut_grad, generator))
            c_in = c_out
    head = nn.Sequential(nn.GlobalAvgPool2d(), nn.Flatten(),
                         nn.Linear(64, num_classes, generator=generator))
    return Stack(stem, nn.Sequential(*blocks), head)


def plain_net(n, block="standard", shortcut="A", in_channels=3, num_classes=10, **kwargs):
    """The plain twin of `resnet(n, ...)`: the same 6n+2 layers without shortcuts."""
    return resnet(n, block, shortcut, in_channels, num_classes, residual=False, **kwargs)


def _named(n, residual):
    def build(**kwargs):
        return resnet(n, **kwargs) if residual else plain_net(n, **kwargs)

    kind = "ResNet" if residual else "plain net"
    build.__name__ = f"{'resnet' if residual else 'plain'}{6 * n + 2}"
    build.__doc__ = f"The {6 * n + 2}-layer {kind} (n = {n}); arguments as `resnet`."
    return build


# resnet8 / plain8 (n = 1) are not in the paper; they are the zoo's smallest, for quick runs.
resnet8, resnet20, resnet32, resnet44, resnet56, resnet110 = (
    _named(n, True) for n in (1, 3, 5, 7, 9, 18))
plain8, plain20, plain32, plain44, plain56, plain110 = (
    _named(n, False) for n in (1, 3, 5, 7, 9, 18))
