"""The convolution notes' figures, computed from minigrad's own layers and ops.

Run: python examples/seed_figures.py [--quick]
1. Weights of each conv variant, 3x3 kernels, 32 -> 64 channels, no bias (as the notes count):
   standard 18,432; depthwise separable 288 + 2,048 = 2,336.
2. Sobel [[1, 0, -1], [2, 0, -2], [1, 0, -1]] = column [1, 2, 1] times row [1, 0, -1], so a
   1x3 conv then a 3x1 conv equals the 3x3 conv: checked on all 359 test digits (--quick: 8).
"""

import argparse

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import nn
from minigrad.data import load_digits


def count(layer):
    return sum(p.numel() for p in layer.parameters())


def parameter_counts(c_in=32, c_out=64, k=3):
    standard = nn.Conv2d(c_in, c_out, k, bias=False)
    separable = nn.DepthwiseSeparableConv2d(c_in, c_out, k, bias=False)
    layers = [
        ("Conv2d (standard)", standard),
        ("DepthwiseConv2d", nn.DepthwiseConv2d(c_in, k, bias=False)),
        ("PointwiseConv2d", nn.PointwiseConv2d(c_in, c_out, bias=False)),
        ("DepthwiseSeparableConv2d", separable),
        # With C_mid = C_out it saves nothing across channels; its saving is per channel:
        ("SpatialSeparableConv2d", nn.SpatialSeparableConv2d(c_in, c_out, k, bias=False)),
        ("Conv2d, 1 -> 1 channel", nn.Conv2d(1, 1, k, bias=False)),
        ("SpatialSeparableConv2d, 1 -> 1", nn.SpatialSeparableConv2d(1, 1, k, bias=False)),
    ]
    print(f"parameters, {k}x{k} kernels, {c_in} -> {c_out} channels unless noted:")
    for name, layer in layers:
        print(f"  {name:32s} {count(layer):6d}")
    parts = [separable.depthwise_weight.numel(), separable.pointwise_weight.numel()]
    print(f"depthwise separable = {parts[0]} + {parts[1]} = {sum(parts)} against "
          f"{count(standard)}: {count(standard) / sum(parts):.1f}x fewer")


def sobel_is_separable(images):
    column, row = np.array([1.0, 2.0, 1.0]), np.array([1.0, 0.0, -1.0])
    sobel = np.outer(column, row)
    print("Sobel kernel = outer([1, 2, 1], [1, 0, -1]) =", sobel.astype(int).tolist())
    x = mg.tensor(images)  # (N, 1, 8, 8) float64
    full = F.conv2d(x, mg.tensor(sobel.reshape(1, 1, 3, 3)), padding=1)
    separable = F.spatial_separable_conv2d(x, mg.tensor(row.reshape(1, 1, 1, 3)),
                                           mg.tensor(column.reshape(1, 1, 3, 1)), padding=1)
    print(f"Sobel on {len(images)} digits images: separable equals 2-D conv: "
          f"{bool(np.allclose(full.data, separable.data))} (max |difference| "
          f"{(full - separable).abs().max():g}; 6 multiply-adds per pixel, not 9)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Sobel check on 8 images")
    quick = parser.parse_args().quick
    parameter_counts()
    images = load_digits(seed=0, standardize=False).x_test.astype(np.float64)
    sobel_is_separable(images[:8] if quick else images)
