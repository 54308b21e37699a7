"""The report: runs experiments 1 to 6 and writes report.md beside their figures and numbers.

Every number in the text is read from the experiments' results at run time; nothing is
written in by hand.
"""

import math
import os
import platform
import time

import numpy as np

from . import thousand_layers
from .experiments import EXPERIMENTS, ExperimentRun

ORDER = ("flow", "depth", "training", "lesion", "variants", "separability", "thousand")


def _g(value):
    return "0" if value == 0 else (f"{value:.3g}" if math.isfinite(value) else str(value))


def _table(header, rows):
    """Markdown table lines: a header row, the separator, then one line per row of cells."""
    lines = ["| " + " | ".join(map(str, cells)) + " |" for cells in [header, *rows]]
    return lines[:1] + ["|" + "---|" * len(header)] + lines[1:]


def _section_flow(s):
    families = list(s["ratios"])
    variants = list(s["ratios"][families[0]])
    lines = [
        "## 1. Gradient norms by layer at initialization",
        "",
        "![activation gradients](flow_activation.png)",
        "",
        "*Activation-gradient norm ||dL/dx_l|| at each block boundary l (log scale), one "
        "digits batch, float64. Plain stacks lose the gradient geometrically on its way "
        "down (Glorot & Bengio 2010, Fig. 7; Bengio et al. 1994); residual stacks whose "
        "branches are scaled by 1/sqrt(L) keep it within a small factor, because each "
        "block's Jacobian is I + dF/dx (He et al. 2016, eq. 5). With shortcut_grad=False "
        "the forward is identical but the identity term is removed from backward: the "
        "gradient collapses like the plain stack's. Unscaled residual branches with He init "
        "add a variance-preserving F to x at every block, so Var(x_l) doubles per block and "
        "the gradient explodes by the same factor.*",
        "",
        "First-to-last ratio ||dL/dx_0|| / ||dL/dx_L|| (1 = no loss; tiny = vanished; "
        "huge = exploded; nan = no gradient reached x_L, because an exploding forward "
        "saturated the head's tanh):",
        "",
    ]
    lines += _table(["variant", *(f"{f} (L={s['depths'][f]})" for f in families)],
                    [[v, *(_g(s["ratios"][f][v]) for f in families)] for v in variants])
    lines += [
        "",
        "![weight gradients](flow_weight.png)",
        "",
        "*Weight-gradient norms ||dL/dW_l|| for the same stacks. Glorot & Bengio (2010, "
        "eq. 14) showed that weight gradients can stay roughly flat across layers while "
        "activation gradients vanish, because dL/dW_l = dL/dy_l x_l^T multiplies a "
        "shrinking gradient by activations that grow toward the bottom. Max/min across "
        "layers of the plain stacks' hidden-layer weight-gradient norms:* "
        + ", ".join(f"{f} {_g(s['weight_spread'][f])}" for f in families)
        + "*; of their activation-gradient norms:* "
        + ", ".join(f"{f} {_g(s['activation_spread'][f])}" for f in families) + ".",
        "",
    ]
    return lines


def _section_depth(s):
    lines = [
        "## 2. First-to-last ratio against depth: the lambda^L law",
        "",
        "![ratio vs depth](ratio_vs_depth.png)",
        "",
        "*With shortcut scale lambda and small branches each block's Jacobian is close to "
        "lambda I, so the first-to-last ratio is lambda^L (He et al. 2016, eq. 8: any "
        "lambda != 1 makes the shortcut itself vanish or explode with depth; only the "
        "identity, lambda = 1, keeps it). Dashed lines: lambda^L.*",
        "",
    ]
    rows = []
    for lam, slope in s["fits"].items():
        log_lam = math.log(float(lam))
        if math.isfinite(slope):
            rows.append([float(lam), f"{slope:.4f}", f"{log_lam:.4f}",
                         f"{abs(slope - log_lam):.4f}"])
        else:
            rows.append([float(lam), "nan (no usable depths)", f"{log_lam:.4f}", ""])
    lines += _table(["lambda", "fitted slope of log ratio per block", "log lambda",
                     "difference"], rows)
    return lines + [""]


def _section_training(s):
    lines = [
        "## 3. Training plain and residual networks on digits",
        "",
        "![training loss, MLP stacks](training_loss.png)",
        "![training loss, ResNets](training_loss_resnet.png)",
        "",
        "*Training loss with the same budget (SGD with momentum) for ReLU MLP stacks (He "
        "init, width 64, residual branches scaled by 1/sqrt(L)) and for CIFAR-style ResNets "
        "and their plain twins (batch norm, 6n+2 layers). The deeper plain nets train "
        "worse; their residual twins do not: the degradation problem (He et al. 2015, "
        "Fig. 1 and 6). With batch norm the plain net's gradients do not vanish at "
        "initialization, yet it still trains worse: degradation is an optimization "
        "difficulty, not only a vanishing gradient.*",
        "",
    ]
    lines += _table(["network", "depth", "stack", "final training loss", "test accuracy"],
                    [[r["family"], r["depth"], r["kind"], f"{r['train_loss']:.4f}",
                      f"{r['test_accuracy']:.3f}"] for r in s["table"]])
    spread = s["layer_spread"]
    lines += [
        "",
        "![gradient heatmap](gradient_heatmap.png)",
        "",
        f"*log10 ||dL/dx_l|| by block boundary (rows) and step (columns) while training the "
        f"depth-{s['heatmap_depth']} MLP pair. Across layers the largest norm is "
        f"{_g(spread['plain'])}x the smallest in the plain stack and "
        f"{_g(spread['residual'])}x in the residual one (median over steps): the identity "
        "paths hand every layer a gradient of the same size.*",
        "",
    ]
    return lines


def _section_lesion(s):
    lines = [
        "## 4. Lesion study",
        "",
        "![lesion](lesion.png)",
        "",
        f"*Test accuracy of the trained depth-{s['depth']} pair of experiment 3 after deleting "
        "one block at test time (Veit et al. 2016, Fig. 3). "
        "Deleting a residual block leaves its shortcut, and the network loses little; "
        "deleting a layer of the plain stack breaks its only path.*",
        "",
    ]
    lines += _table(["stack", "intact", "mean with one block deleted", "worst"],
                    [[kind, f"{r['baseline']:.3f}", f"{r['mean_removed']:.3f}",
                      f"{r['worst_removed']:.3f}"] for kind, r in s["summary"].items()])
    return lines + [""]


def _section_variants(s):
    lines = [
        "## 5. Convolution variants",
        "",
        "Costs at the seed's sizes (3x3, 32 to 64 channels; depthwise keeps 32 channels), "
        "multiply-adds for a batch of 64 at 16x16, time for forward+backward in minigrad "
        "(median):",
        "",
    ]
    lines += _table(["conv", "parameters", "multiply-adds", "ms"],
                    [[r["kind"], f"{r['params']:,}", f"{r['macs']:,}", f"{r['ms']:.1f}"]
                     for r in s["costs"]])
    one = s["one_channel"]
    lines += [
        "",
        "The spatial-separable conv here keeps C_out channels between its 1x3 and 3x1 steps "
        "(C_mid = C_out, as `nn.SpatialSeparableConv2d`), so at 32 to 64 channels it has as "
        "many weights as the standard conv; the seed's saving, k^2 against 2k, is per "
        f"channel: for one channel, {one['standard']} weights against "
        f"{one['spatial_separable']}.",
    ]
    lines += [
        "",
        "![accuracy vs parameters](variants_accuracy.png)",
        "",
        f"*The same ResNet-{s['depth']} on digits built from each variant: test accuracy "
        "against parameters (cf. MobileNet, Howard et al. 2017, Table 4: depthwise-separable "
        "convs cost a few points of accuracy for an 8-9x cut in parameters and compute).*",
        "",
    ]
    lines += _table(["block", "parameters", "test accuracy", "final training loss"],
                    [[r["block"], f"{r['params']:,}", f"{r['test_accuracy']:.3f}",
                      f"{r['train_loss']:.4f}"] for r in s["accuracy"]])
    by_block = {row["block"]: row for row in s["accuracy"]}
    standard, separable = by_block["standard"], by_block["depthwise_separable"]
    lines += [
        "",
        f"Here the depthwise-separable ResNet has {standard['params'] / separable['params']:.1f}x "
        f"fewer parameters and reaches {separable['test_accuracy']:.3f} against "
        f"{standard['test_accuracy']:.3f}. One seed, and a test set of "
        f"{s['test_size']} images (one image is {100 / s['test_size']:.2f} points): "
        "differences of a point or less are within noise.",
    ]
    return lines + [""]


def _section_separability(s):
    learned, random = s["summary"]["learned"], s["summary"]["random"]
    verdict = ("learned kernels are closer to rank 1 than random ones"
               if learned["mean"] > random["mean"] + 0.01 else
               "learned kernels are no closer to rank 1 than random ones")
    lines = [
        "## 6. Are learned kernels separable?",
        "",
        "![separability](separability.png)",
        "",
        "*Share of each 3x3 kernel's energy in its top singular value, s1^2 / sum s_i^2 "
        "(1 exactly when the kernel is an outer product of a column and a row, i.e. "
        "spatially separable), for the trained standard ResNet of experiment 5, for the "
        "same kernels at initialization (He normal, i.e. Gaussian), and for as many fresh "
        "random Gaussian kernels.*",
        "",
    ]
    lines += _table(["kernels", "count", "mean", "median", "share above 0.9"],
                    [[name, r["kernels"], f"{r['mean']:.3f}", f"{r['median']:.3f}",
                      f"{r['share_above_0.9']:.3f}"] for name, r in s["summary"].items()])
    lines += ["", f"Finding: {verdict} (mean {learned['mean']:.3f} against "
              f"{random['mean']:.3f}); only {100 * learned['share_above_0.9']:.1f}% of learned "
              "kernels put more than 90% of their energy in one rank-1 term, so most are not "
              "close to separable, as the seed says. But training moved the kernels by "
              f"{100 * s['relative_change']:.0f}% of their norm (||W - W0|| / ||W0||): "
              "with this budget the statistic mostly reflects the random initialization, "
              "not something the network learned.", ""]
    return lines


SECTIONS = {"flow": _section_flow, "depth": _section_depth, "training": _section_training,
            "lesion": _section_lesion, "variants": _section_variants,
            "separability": _section_separability, "thousand": thousand_layers.report_section}


def write_report(experiment_run, summaries, seconds, command):
    lines = [
        "# Gradient flow in plain and residual networks",
        "",
        "What the \"+1\" in dL/dx = dL/dy (dF/dx + 1) does, measured with minigrad on the "
        "bundled digits data (UCI optical digits, 8x8).",
        "",
        f"- command: `{command}`",
        f"- size: {experiment_run.size_name}, seed: {experiment_run.seed}",
        f"- run time: {seconds:.0f} s on {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}",
        "",
    ]
    for name in ORDER:
        if name in summaries:
            lines += SECTIONS[name](summaries[name])
    lines += ["## Run time by experiment", ""]
    lines += _table(["experiment", "seconds"],
                    [[name, f"{summaries[name]['seconds']:.1f}"] for name in ORDER])
    lines.append("")
    path = os.path.join(experiment_run.out, "report.md")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def run(names, size="default", seed=0, out=None, show_progress=True,
        command="python -m minigrad.analysis report"):
    """Run the named experiments (and write report.md when all six ran). Returns the summaries."""
    from tqdm import tqdm

    out = out or os.path.join("reports", size)
    started = time.perf_counter()
    bar = tqdm(desc="analysis", unit="step", disable=not show_progress)
    experiment_run = ExperimentRun(size, seed, out, progress=lambda: bar.update(1))
    summaries = {}
    for name in names:
        bar.set_postfix_str(name)
        began = time.perf_counter()
        summaries[name] = EXPERIMENTS[name](experiment_run)
        summaries[name]["seconds"] = time.perf_counter() - began
    bar.close()
    if set(names) == set(ORDER):
        path = write_report(experiment_run, summaries, time.perf_counter() - started, command)
        print(f"report written to {path}")
    return summaries
