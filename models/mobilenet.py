"""A small MobileNet-style classifier built from depthwise-separable convolutions
(Howard et al. 2017): each layer is a depthwise 3x3 conv (spatial filtering per channel),
BN, ReLU, then a pointwise 1x1 conv (channel mixing), BN, ReLU.
"""

import numpy as np

from minigrad import nn

#: (out_channels, stride) of each depthwise-separable layer, sized for 8x8 to 32x32 inputs.
LAYERS = ((32, 1), (64, 2), (64, 1), (128, 2), (128, 1))


def mobilenet(in_channels=1, num_classes=10, width_multiplier=1.0, generator=None):
    """A small MobileNet-style network.

    Args:
        in_channels, num_classes: 1 and 10 for digits.
        width_multiplier: MobileNet's alpha, scaling every layer's channel count.
        generator: numpy Generator for the initialization (seeded 0 when omitted).
    Input (N, in_channels, H, W); output (N, num_classes).
    """
    if width_multiplier <= 0:
        raise ValueError(f"mobilenet: width_multiplier must be > 0, got {width_multiplier}")
    generator = generator if generator is not None else np.random.default_rng(0)

    def width(c):
        return max(1, int(round(c * width_multiplier)))

    c_in = width(16)
    layers = [nn.Conv2d(in_channels, c_in, 3, padding=1, bias=False, generator=generator),
              nn.BatchNorm2d(c_in), nn.ReLU()]
    for c_out, stride in LAYERS:
        c_out = width(c_out)
        layers += [
            nn.DepthwiseConv2d(c_in, 3, stride=stride, padding=1, bias=False,
                               generator=generator),
            nn.BatchNorm2d(c_in), nn.ReLU(),
            nn.PointwiseConv2d(c_in, c_out, bias=False, generator=generator),
            nn.BatchNorm2d(c_out), nn.ReLU(),
        ]
        c_in = c_out
    layers += [nn.GlobalAvgPool2d(), nn.Flatten(),
               nn.Linear(c_in, num_classes, generator=generator)]
    return nn.Sequential(*layers)
