"""The experiments as runnable units: each computes, saves its numbers (JSON), draws its
figures (PNG) into an output folder, and returns a summary for the report.

A newer experiment lives whole in its own module: `experiment(run)` computes, writes its
files and returns the summary; `claims(summary)` lists its headline claims ({"claim",
"value", "holds"}); `report_section(summary)` returns its report lines. It is registered
here (MODULES, from which EXPERIMENTS and report.py's SECTIONS and CLAIMS are built), in
report.py's ORDER and in cli.py (SUBCOMMANDS).
Networks several experiments use come from `trained`, which trains each once per run.

Progress: an experiment calls `run.tick()` once per unit of work (a trained epoch, a
network measured). So that the progress bar can show a total and an ETA, a module declares
its work up front, both optional:

- `def expected_ticks(size_name) -> int`: the ticks it makes itself at that size, not
  counting the shared networks below;
- `TRAINED = ("resnets", ...)`: the `run.cache` keys of the shared networks from `trained`
  it uses (`mlp_stacks`, `resnets`, ...), whose training ticks (SHARED_TICKS) are counted
  once per run, and not at all when another experiment already trained them. A new
  shared network gets an entry in SHARED_TICKS; one that only this experiment uses is
  counted in its expected_ticks instead.

The runners below declare the same with `@declares`. A module that declares nothing still
runs: its ticks are not in the total, which grows as they come, and the bar says which
experiment of how many is running.

Sizes: "quick" is a smoke test (seconds), "default" is the report's (at most 3 minutes on
2 cores in all), "full" is larger.
"""

import json
import os
import sys

import numpy as np

from minigrad.conv_cost import conv_cost
from minigrad.data import load_digits
from minigrad.models.resnet import BLOCKS

from . import (block_response, dynamics, early_training, flow, landscape, plots, shattered,
               short_paths, thousand_layers, trained, variants)

SIZES = {
    "quick": dict(mlp_depth=8, cnn_depth=4, ratio_depths=(2, 4, 8), train_depths=(2, 8),
                  train_epochs=2, resnet_ns=(1,), resnet_epochs=1, lesion_depth=2, variant_n=1, variant_epochs=1,
                  cost_repeats=1, batch=32),
    "default": dict(mlp_depth=100, cnn_depth=100, ratio_depths=(4, 8, 16, 32, 64),
                    train_depths=(4, 8, 16, 32), train_epochs=15, resnet_ns=(1, 3, 9),
                    resnet_epochs=8, lesion_depth=8, variant_n=3, variant_epochs=10,
                    cost_repeats=5, batch=128),
    "full": dict(mlp_depth=200, cnn_depth=100, ratio_depths=(4, 8, 16, 32, 64, 128),
                 train_depths=(4, 8, 16, 32, 64), train_epochs=30, resnet_ns=(1, 3, 9, 18),
                 resnet_epochs=20, lesion_depth=8, variant_n=3, variant_epochs=30,
                 cost_repeats=9, batch=256),
}
TRAIN_LR, RESNET_LR = trained.TRAIN_LR, trained.RESNET_LR

#: The training ticks (one per epoch) of each shared network, by its run.cache key.
SHARED_TICKS = {
    "mlp_stacks": lambda size: 2 * len(size["train_depths"]) * size["train_epochs"],
    "resnets": lambda size: 2 * len(size["resnet_ns"]) * size["resnet_epochs"],
    "variant_models": lambda size: len(BLOCKS) * size["variant_epochs"],
}


def declares(ticks=lambda size_name: 0, trained=()):
    """Mark a runner here with its work, as a module's `expected_ticks` and `TRAINED` do:
    `ticks(size_name)` its own ticks, `trained` the shared networks it uses."""
    def mark(runner):
        runner.expected_ticks = ticks
        runner.TRAINED = trained
        return runner
    return mark


def _declared(name, attribute):
    runner = EXPERIMENTS[name]
    module = sys.modules.get(runner.__module__)
    if module is sys.modules[__name__]:
        return getattr(runner, attribute, None)
    return getattr(runner, attribute, getattr(module, attribute, None))


def planned_ticks(names, size_name, cache=()):
    """(ticks the experiments `names` will make at `size_name`, the names that declare no
    expected_ticks). Shared networks already in `cache` are not counted again."""
    total, shared, undeclared = 0, set(), []
    for name in names:
        ticks = _declared(name, "expected_ticks")
        if ticks is None:
            undeclared.append(name)
        else:
            total += int(ticks(size_name))
        shared.update(_declared(name, "TRAINED") or ())
    total += sum(SHARED_TICKS[key](SIZES[size_name]) for key in sorted(shared)
                 if key in SHARED_TICKS and key not in cache)
    return total, undeclared


class ExperimentRun:
    """One run of the study, handed to every experiment: sizes, seed, output folder, the
    data, a progress tick, and the trained models that experiments share."""

    def __init__(self, size="default", seed=0, out="reports/default", progress=None):
        if size not in SIZES:
            raise ValueError(f"analysis: unknown size {size!r}; expected one of {sorted(SIZES)}")
        self.size_name = size
        self.size = SIZES[size]
        self.seed = seed
        self.out = out
        self.split = load_digits(seed=seed)
        self.tick = progress or (lambda: None)
        self.cache = {}  # trained models shared between experiments (3 -> 4, 5 -> 6)
        os.makedirs(out, exist_ok=True)

    def batch(self):
        n = self.size["batch"]
        return self.split.x_train[:n], self.split.y_train[:n]

    def write_json(self, name, payload):
        with open(os.path.join(self.out, name), "w") as f:
            json.dump(payload, f, indent=1)
        return name


@declares(ticks=lambda size_name: len(flow.FAMILIES) * len(flow.shortcut_variants(1)))
def run_flow(run):
    """Experiment 1: gradient norms by layer at initialization."""
    x, y = run.batch()
    results = flow.flow_at_init(x, y, list(flow.FAMILIES), run.size["mlp_depth"],
                                run.size["cnn_depth"], seed=run.seed, progress=run.tick)
    plots.flow_by_layer(results, "activation", os.path.join(run.out, "flow_activation.png"),
                        "Activation gradients ||dL/dx_l|| at initialization")
    plots.flow_by_layer(results, "weight", os.path.join(run.out, "flow_weight.png"),
                        "Weight gradients ||dL/dW_l|| at initialization")
    run.write_json("flow.json", results)
    ratios = {family: {name: flow.first_to_last(v["activation"])
                       for name, v in data["variants"].items()}
              for family, data in results.items()}
    weight_spread = {family: _spread(data["variants"]["plain"]["weight"][1:-1])
                     for family, data in results.items()}
    activation_spread = {family: _spread(data["variants"]["plain"]["activation"])
                         for family, data in results.items()}
    return {"figures": ["flow_activation.png", "flow_weight.png"], "data": "flow.json",
            "ratios": ratios, "weight_spread": weight_spread,
            "activation_spread": activation_spread,
            "depths": {f: d["depth"] for f, d in results.items()}}


def _spread(norms):
    """max/min of a list of positive norms: how far from flat across layers."""
    norms = np.asarray([n for n in norms if n > 0])
    return float(norms.max() / norms.min()) if len(norms) else float("nan")


@declares(ticks=lambda size_name: 7 * len(SIZES[size_name]["ratio_depths"]))  # 3 nets, 4 lambdas
def run_depth(run):
    """Experiment 2: first-to-last ratio against depth, and the lambda^L fit."""
    x, y = run.batch()
    result = flow.ratio_vs_depth(x, y, run.size["ratio_depths"], seed=run.seed,
                                 progress=run.tick)
    plots.ratio_vs_depth(result, os.path.join(run.out, "ratio_vs_depth.png"))
    run.write_json("ratio_vs_depth.json", {**result, "fits": {str(k): v for k, v in
                                                              result["fits"].items()}})
    return {"figures": ["ratio_vs_depth.png"], "data": "ratio_vs_depth.json",
            "fits": result["fits"]}


@declares(trained=("mlp_stacks", "resnets"))
def run_training(run):
    """Experiment 3: training curves of plain and residual stacks (MLPs, and ResNets with
    their plain twins), and the gradient heatmap."""
    result = trained.mlp_stacks(run)
    cnn = trained.resnets(run)
    plots.training_loss(result["depths"], result["runs"], "ReLU MLP stacks", "blocks",
                        os.path.join(run.out, "training_loss.png"))
    plots.training_loss(cnn["layers"], cnn["runs"], "ResNets and plain nets (batch norm)",
                        "layers", os.path.join(run.out, "training_loss_resnet.png"))
    plots.gradient_heatmap(result, os.path.join(run.out, "gradient_heatmap.png"))
    run.write_json("training.json", {"mlp": {"depths": result["depths"], "runs": result["runs"]},
                                     "resnet": {"layers": cnn["layers"], "runs": cnn["runs"]}})

    def rows(depths, runs, family):
        return [{"family": family, "depth": depth, "kind": kind,
                 "train_loss": runs[kind][i]["train_loss"],
                 "test_accuracy": runs[kind][i]["test_accuracy"]}
                for i, depth in enumerate(depths) for kind in ("plain", "residual")]

    spread = {kind: _layer_spread(result["runs"][kind][-1]["heatmap"])
              for kind in ("plain", "residual")}
    return {"figures": ["training_loss.png", "training_loss_resnet.png", "gradient_heatmap.png"],
            "data": "training.json",
            "table": rows(result["depths"], result["runs"], "MLP (ReLU, He init)")
            + rows(cnn["layers"], cnn["runs"], "ResNet (batch norm)"),
            "heatmap_depth": result["depths"][-1], "layer_spread": spread}


def _layer_spread(heatmap):
    """Median over steps of max/min across layers of ||dL/dx_l||: 1 means every layer gets
    the same gradient norm."""
    norms = np.asarray(heatmap, dtype=float)
    norms = np.where(norms > 0, norms, np.nan)
    return float(np.nanmedian(np.nanmax(norms, axis=1) / np.nanmin(norms, axis=1)))


@declares(trained=("mlp_stacks",))
def run_lesion(run):
    """Experiment 4: delete one block at a time from the trained pair at lesion_depth (a
    depth where the plain stack still trains, so that its lesions mean something)."""
    models = trained.mlp_stacks(run)["models"][run.size["lesion_depth"]]
    results = {kind: dynamics.lesion(model, run.split) for kind, model in models.items()}
    plots.lesion(results, os.path.join(run.out, "lesion.png"))
    run.write_json("lesion.json", results)
    summary = {kind: {"baseline": r["baseline"], "mean_removed": float(np.mean(r["removed"])),
                      "worst_removed": float(np.min(r["removed"]))}
               for kind, r in results.items()}
    return {"figures": ["lesion.png"], "data": "lesion.json", "summary": summary,
            "depth": run.size["lesion_depth"]}


@declares(trained=("variant_models",))
def run_variants(run):
    """Experiment 5: cost of each conv variant, and a ResNet built from each."""
    costs = variants.cost_table(repeats=run.size["cost_repeats"], seed=run.seed)
    rows, models = variants.variant_accuracy(run.split, run.size["variant_n"],
                                             run.size["variant_epochs"], RESNET_LR,
                                             seed=run.seed, progress=run.tick)
    run.cache["variant_models"] = models
    plots.accuracy_vs_params(rows, os.path.join(run.out, "variants_accuracy.png"),
                             len(run.split.y_test))
    run.write_json("variants.json", {"costs": costs, "accuracy": rows})
    one_channel = {kind: conv_cost(kind, 1, 1, 3).params
                   for kind in ("standard", "spatial_separable")}
    return {"figures": ["variants_accuracy.png"], "data": "variants.json", "costs": costs,
            "one_channel": one_channel, "test_size": len(run.split.y_test),
            "accuracy": rows, "depth": 6 * run.size["variant_n"] + 2}


@declares(trained=("variant_models",))
def run_separability(run):
    """Experiment 6: separability of the learned 3x3 kernels of the standard ResNet."""
    if "variant_models" not in run.cache:
        _, run.cache["variant_models"] = variants.variant_accuracy(
            run.split, run.size["variant_n"], run.size["variant_epochs"], RESNET_LR,
            seed=run.seed, progress=run.tick)
    model, initial = run.cache["variant_models"]["standard"]
    result = variants.separability(model, initial, seed=run.seed)
    plots.separability(result, os.path.join(run.out, "separability.png"))
    run.write_json("separability.json", result)
    summary = {}
    for name in ("learned", "initial", "random"):
        values = np.asarray(result[name])
        summary[name] = {"kernels": int(len(values)), "mean": float(values.mean()),
                         "median": float(np.median(values)),
                         "share_above_0.9": float((values > 0.9).mean())}
    return {"figures": ["separability.png"], "data": "separability.json", "summary": summary,
            "relative_change": result["relative_change"]}


@declares(ticks=lambda size_name: 2 * len(shattered.SIZES[size_name]["ns"]))  # plain, residual
def run_shattered(run):
    """Shattered gradients: lag-1 autocorrelation of the derivative along a line of inputs,
    for the 6n+2 plain and residual nets at initialization (Balduzzi et al. 2017)."""
    result = shattered.shattering(run.split, seed=run.seed, progress=run.tick,
                                  **shattered.SIZES[run.size_name])
    plots.shattered(result, os.path.join(run.out, "shattered.png"))
    run.write_json("shattered.json", result)
    return {"figures": ["shattered.png"], "data": "shattered.json", "layers": result["layers"],
            "acf1": {f: [r["mean_acf1"] for r in rs] for f, rs in result["families"].items()},
            "acf1_range": {f: [[min(r["acf1"]), max(r["acf1"])] for r in rs]
                           for f, rs in result["families"].items()},
            "lines": len(result["lines"]), "points": result["points"],
            "cosine": {f: [r["mean_cosine"] for r in rs]
                       for f, rs in result["families"].items()}}


EXPERIMENTS = {
    "flow": run_flow,
    "depth": run_depth,
    "training": run_training,
    "lesion": run_lesion,
    "variants": run_variants,
    "separability": run_separability,
    "shattered": run_shattered,
}

#: The experiments that live whole in their own module (experiment, claims, report_section):
#: registered once here, for EXPERIMENTS and for report.py's SECTIONS and CLAIMS.
MODULES = {"paths": short_paths, "landscape": landscape, "early": early_training,
           "response": block_response, "thousand": thousand_layers}
EXPERIMENTS.update({name: module.experiment for name, module in MODULES.items()})


def _resnet_layers(size_name):
    return [6 * n + 2 for n in SIZES[size_name]["resnet_ns"]]


# The work of the experiments that live in their own modules, declared here, where the
# sizes are known: one tick per depth read (early), per net measured (response: trained
# plain and residual, untrained residual; landscape: both kinds at 20 and 56 layers, or at
# every depth there is), and for paths its own MLP's epochs (the resnet56 of --full is the
# training experiment's) plus one for the paths.
declares(ticks=lambda size: len(_resnet_layers(size)), trained=("resnets",))(
    early_training.experiment)
declares(ticks=lambda size: 3 * len(_resnet_layers(size)), trained=("resnets",))(
    block_response.experiment)
declares(ticks=lambda size: 2 * len([n for n in _resnet_layers(size) if n in (20, 56)]
                                     or _resnet_layers(size)), trained=("resnets",))(
    landscape.experiment)
declares(ticks=lambda size: 1 + (SIZES[size]["train_epochs"]
                                 if short_paths.SIZES[size]["network"] == "mlp" else 0))(
    short_paths.experiment)


def _thousand_ticks(size_name):
    """Both stacks' epochs, the diverging run, the CNN pair's epochs (--full), and G(L) per
    kind."""
    s = thousand_layers.SIZES[size_name]
    kinds = len(thousand_layers.KINDS)
    return kinds * s["epochs"] + 1 + kinds * s.get("cnn_epochs", 0) + kinds


declares(ticks=_thousand_ticks)(thousand_layers.experiment)
