"""Experiments 1 and 2: gradient norms at initialization.

1. `flow_at_init`: ||dL/dx_l|| and ||dL/dW_l|| by layer, for plain, residual, residual without
   the "+1", and scaled-shortcut stacks (MLPs with tanh or ReLU, and CNNs).
2. `ratio_vs_depth`: the first-to-last ratio ||dL/dx_0|| / ||dL/dx_L|| against depth L.
   With shortcut_scale lambda and small branches each block's Jacobian is about lambda * I,
   so the ratio is about lambda^L (He et al. 2016, eq. 8): log ratio grows like L log lambda.

Everything runs in float64: the plain stacks' gradients fall below float32's range at depth.
"""

import math

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad.models.stacks import plain_cnn, plain_mlp, residual_cnn, residual_mlp

from .recorder import GradientRecorder


def measure_at_init(model, x, y):
    """One forward and backward in float64: (activation norms (L+1,), weight norms, names)."""
    model.to(np.float64)
    recorder = GradientRecorder(model)
    loss = F.cross_entropy(model(mg.tensor(np.asarray(x, dtype=np.float64))), y)
    loss.backward()
    recorder.record()
    recorder.remove()
    return recorder.activation_norms[0], recorder.weight_norms[0], recorder.weight_names


#: The families of experiment 1: how each stack is built, and the depth scale of its
#: residual branches.
FAMILIES = {
    "mlp_tanh_standard": dict(kind="mlp", activation="tanh", init="standard"),
    "mlp_tanh_xavier": dict(kind="mlp", activation="tanh", init="xavier"),
    "mlp_relu_he": dict(kind="mlp", activation="relu", init="he"),
    "cnn_relu_he": dict(kind="cnn", activation="relu", init="he"),
}


def shortcut_variants(depth):
    """name -> keyword arguments of the residual builder (None: the plain stack)."""
    scale = 1 / math.sqrt(depth)
    table = {
        "plain": None,
        "residual (branch x 1/sqrt(L))": dict(branch_scale=scale),
        "residual, no +1 (shortcut_grad=False)": dict(branch_scale=scale, shortcut_grad=False),
        "residual, unscaled branch": dict(branch_scale=1.0),
    }
    for lam in (0.5, 0.9, 1.1):
        table[f"residual, lambda={lam}"] = dict(branch_scale=scale, shortcut_scale=lam)
    return table


def build_stack(family, depth, residual_kwargs, width, seed):
    """The `family`'s stack of `depth` blocks: plain if `residual_kwargs` is None, else
    residual with those keyword arguments (one of `shortcut_variants`)."""
    spec = FAMILIES[family]
    generator = np.random.default_rng(seed)
    common = dict(activation=spec["activation"], init=spec["init"], generator=generator)
    if spec["kind"] == "mlp":
        if residual_kwargs is None:
            return plain_mlp(depth, width, **common)
        return residual_mlp(depth, width, **common, **residual_kwargs)
    if residual_kwargs is None:
        return plain_cnn(depth, width // 4, **common)
    return residual_cnn(depth, width // 4, **common, **residual_kwargs)


def flow_at_init(x, y, families, mlp_depth, cnn_depth, width=64, seed=0, progress=None):
    """Experiment 1. Returns {family: {variant: {"activation": [...], "weight": [...]}}}.

    x: images (N, 1, H, W); the MLPs see them flattened. CNNs are `width // 4` channels wide.
    """
    results = {}
    for family in families:
        depth = cnn_depth if FAMILIES[family]["kind"] == "cnn" else mlp_depth
        results[family] = {"depth": depth, "variants": {}}
        for name, kwargs in shortcut_variants(depth).items():
            model = build_stack(family, depth, kwargs, width, seed)
            activation, weight, _ = measure_at_init(model, x, y)
            results[family]["variants"][name] = {
                "activation": activation.tolist(), "weight": weight.tolist(),
            }
            if progress is not None:
                progress()
    return results


def first_to_last(activation_norms):
    """||dL/dx_0|| / ||dL/dx_L||: how much the gradient shrinks (<1) or grows on its way
    from the last block boundary back to the first. NaN when no gradient reached x_L at all
    (an exploding forward can saturate the head's tanh, whose derivative is then exactly 0)."""
    if activation_norms[-1] == 0:
        return float("nan")
    return activation_norms[0] / activation_norms[-1]


def ratio_vs_depth(x, y, depths, lambdas=(0.5, 0.9, 1.0, 1.1), width=64, seed=0,
                   small_branch=0.01, progress=None):
    """Experiment 2, on tanh MLPs with the standard init.

    For each depth: the plain stack, the residual stack (branch x 1/sqrt(L)) with and without
    the "+1", and for each lambda a residual stack with shortcut_scale lambda and small
    branches (branch x `small_branch`), where the lambda^L law should hold.
    Returns {"depths": [...], "ratios": {variant: [...]}, "fits": {lambda: slope}}.
    """
    ratios = {}

    def add(name, value):
        ratios.setdefault(name, []).append(value)

    for depth in depths:
        scale = 1 / math.sqrt(depth)
        common = dict(activation="tanh", init="standard")
        runs = {
            "plain": plain_mlp(depth, width, **common, generator=np.random.default_rng(seed)),
            "residual": residual_mlp(depth, width, **common, branch_scale=scale,
                                     generator=np.random.default_rng(seed)),
            "residual, no +1": residual_mlp(depth, width, **common, branch_scale=scale,
                                            shortcut_grad=False,
                                            generator=np.random.default_rng(seed)),
        }
        for lam in lambdas:
            runs[f"lambda={lam}"] = residual_mlp(depth, width, **common, shortcut_scale=lam,
                                                 branch_scale=small_branch,
                                                 generator=np.random.default_rng(seed))
        for name, model in runs.items():
            activation, _, _ = measure_at_init(model, x, y)
            add(name, float(first_to_last(activation)))
            if progress is not None:
                progress()
    fits = {lam: fit_log_slope(depths, ratios[f"lambda={lam}"]) for lam in lambdas}
    return {"depths": list(depths), "ratios": ratios, "fits": fits}


def fit_log_slope(depths, ratios):
    """Least-squares slope of log(ratio) against depth: the per-layer log growth rate, over
    the depths where the ratio is defined and positive (NaN if fewer than two are)."""
    depths, ratios = np.asarray(depths, dtype=float), np.asarray(ratios, dtype=float)
    usable = np.isfinite(ratios) & (ratios > 0)
    if usable.sum() < 2:
        return float("nan")
    return float(np.polyfit(depths[usable], np.log(ratios[usable]), 1)[0])
