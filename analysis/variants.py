"""Experiments 5 and 6: the seed's convolution variants, and whether learned kernels are
separable.

5. `cost_table`: parameters and multiply-adds of standard, depthwise, pointwise,
   depthwise-separable and spatial-separable convs at the seed's sizes (3x3, 32 to 64
   channels), with the measured forward+backward time of each in minigrad.
   `variant_accuracy`: the same ResNet built from each variant, trained on digits: test
   accuracy against parameters (cf. MobileNet, Howard et al. 2017, Table 4).
6. `separability`: for each 3x3 kernel W, the share of its energy in the top singular value,
   s1^2 / sum(s_i^2). It is 1 exactly when W is rank 1, i.e. an outer product of a column and
   a row, i.e. spatially separable. The seed claims most learned kernels are not separable;
   this measures it, against random Gaussian kernels as the baseline.
"""

import time

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad.conv_cost import conv_cost
from minigrad.models.resnet import BLOCKS, resnet

from .dynamics import fit

#: The seed's example: a 3x3 conv from 32 to 64 channels (timed on a batch of 64 at 16x16).
SEED_SIZES = dict(c_in=32, c_out=64, k=3)
COST_KINDS = ("standard", "depthwise", "pointwise", "depthwise_separable", "spatial_separable")


def _variant_call(kind, c_in, c_out, k, rng):
    """The op of `kind` as fn(x) with fresh float32 weights that require grad."""
    def weight(*shape):
        return mg.tensor(rng.standard_normal(shape).astype(np.float32) * 0.1, requires_grad=True)

    pad = k // 2
    # fn(x) for a (N, c_in, H, W) input; depthwise ignores c_out (it keeps c_in channels).
    if kind == "standard":
        w = weight(c_out, c_in, k, k)
        return lambda x: F.conv2d(x, w, padding=pad)
    if kind == "depthwise":
        w = weight(c_in, 1, k, k)
        return lambda x: F.depthwise_conv2d(x, w, padding=pad)
    if kind == "pointwise":
        w = weight(c_out, c_in, 1, 1)
        return lambda x: F.pointwise_conv2d(x, w)
    if kind == "depthwise_separable":
        dw, pw = weight(c_in, 1, k, k), weight(c_out, c_in, 1, 1)
        return lambda x: F.depthwise_separable_conv2d(x, dw, pw, padding=pad)
    row, col = weight(c_out, c_in, 1, k), weight(c_out, c_out, k, 1)
    return lambda x: F.spatial_separable_conv2d(x, row, col, padding=pad)


def cost_table(batch=64, size=16, repeats=5, seed=0):
    """Rows of {kind, params, macs, ms, ms_range}: counts from `conv_cost`, time as the
    median of `repeats` forward+backward passes on a (batch, 32, size, size) float32 input,
    and the fastest and slowest of them (how noisy the machine was)."""
    rng = np.random.default_rng(seed)
    x = mg.tensor(rng.standard_normal((batch, SEED_SIZES["c_in"], size, size)).astype(np.float32),
                  requires_grad=True)
    rows = []
    for kind in COST_KINDS:
        c_in, c_out, k = SEED_SIZES["c_in"], SEED_SIZES["c_out"], SEED_SIZES["k"]
        if kind == "depthwise":
            c_out = c_in  # one filter per channel: no channel mixing, so no 32 -> 64
        if kind == "pointwise":
            k = 1
        cost = conv_cost(kind, c_in, c_out, k, h=size, w=size)
        call = _variant_call(kind, c_in, c_out, k, rng)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            call(x).sum().backward()
            times.append(time.perf_counter() - start)
        rows.append({"kind": kind, "params": cost.params, "macs": cost.mult_adds * batch,
                     "ms": 1000 * float(np.median(times)),
                     "ms_range": [1000 * float(min(times)), 1000 * float(max(times))]})
    return rows


def variant_accuracy(split, n, epochs, lr, seed=0, progress=None):
    """The ResNet with n blocks per stage built from each conv variant, trained on digits.
    Returns rows of {block, params, test_accuracy, train_loss}, and {block: (trained model,
    its 3x3 kernels before training)}."""
    rows, models = [], {}
    for block in BLOCKS:
        model = resnet(n, block=block, in_channels=1, num_classes=10,
                       generator=np.random.default_rng(seed))
        initial = kernels_3x3(model) if block == "standard" else None
        result = fit(model, split, epochs, lr, seed=seed, progress=progress)
        rows.append({"block": block, "params": sum(p.numel() for p in model.parameters()),
                     "test_accuracy": result["test_accuracy"],
                     "train_loss": result["train_loss"]})
        models[block] = (model, initial)
    return rows, models


def top_singular_energy(kernels):
    """s1^2 / sum(s_i^2) for each kernel in a (K, kH, kW) stack: 1 means rank 1 (separable)."""
    singular = np.linalg.svd(np.asarray(kernels, dtype=np.float64), compute_uv=False)
    energy = singular ** 2
    return energy[:, 0] / energy.sum(axis=1)


def kernels_3x3(model):
    """Every 3x3 spatial kernel in the model's 4-D weights, as a (K, 3, 3) stack."""
    stacks = [p.detach().numpy().reshape(-1, 3, 3) for p in model.parameters()
              if p.ndim == 4 and p.shape[-2:] == (3, 3)]
    return np.concatenate(stacks)


def separability(model, initial, seed=0):
    """Experiment 6: the energy share of each learned 3x3 kernel, of the same kernels before
    training (`initial`), and of as many random Gaussian kernels. Returns those three lists
    (one value per kernel) and how far training moved the kernels, ||W - W0|| / ||W0||."""
    learned = kernels_3x3(model)
    random = np.random.default_rng(seed).standard_normal(learned.shape)
    return {"learned": top_singular_energy(learned).tolist(),
            "initial": top_singular_energy(initial).tolist(),
            "random": top_singular_energy(random).tolist(),
            "relative_change": float(np.linalg.norm(learned - initial)
                                     / np.linalg.norm(initial))}
