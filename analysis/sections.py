"""The report's sections for experiments 1 to 6: Markdown lines computed from each
experiment's summary (the newer experiments write theirs in their own modules).

Every sentence that states a result is written from the numbers: a comparison is worded by
what was measured, and each section ends with its headline claims (from `claims`), each
saying whether it held in this run. Markdown is CommonMark with GitHub's tables; norms are
written ‖dL/dx_l‖ (the ASCII || would split a table cell).
"""

import math

from . import claims as claims_of
from .claims import NO_PLUS_ONE, RESIDUAL, UNSCALED, family_words, findings

VARIANT_WORDS = {"plain": "plain", RESIDUAL: "residual, branch x 1/sqrt(L)",
                 NO_PLUS_ONE: "residual without the +1 in backward",
                 UNSCALED: "residual, unscaled branch"}


def g(value):
    """A number in 3 significant digits (0, nan and inf as themselves)."""
    return "0" if value == 0 else (f"{value:.3g}" if math.isfinite(value) else str(value))


def table(header, rows):
    """Markdown table lines: a header row, the separator, then one line per row of cells
    (a | inside a cell is escaped)."""
    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"
    return [line(header), "|" + "---|" * len(header)] + [line(r) for r in rows]


def _variant(name):
    if "lambda=" in name:
        return f"residual, shortcut scaled by lambda = {name.split('lambda=')[1]}"
    return VARIANT_WORDS.get(name, name)


def fate(ratio):
    """What happened to the gradient on its way down, from the first-to-last ratio."""
    if not math.isfinite(ratio):
        return "never reached the top block boundary (nan)"
    if ratio < 1e-6:
        return "vanished (ratio below 1e-6)"
    if ratio < 0.1:
        return "shrank, by a factor between 10 and 1e6,"
    if ratio <= 10:
        return "stayed within a factor of 10"
    return "exploded (ratio above 10)"


def _fates(by_family):
    """'vanished (...) in all four families (5.7e-132 to 2.1e-99)' or one clause per fate."""
    groups = {}
    for family, ratio in by_family.items():
        groups.setdefault(fate(ratio), []).append((family, ratio))
    if len(groups) == 1:
        (words, items), = groups.items()
        values = sorted(r for _, r in items)
        return f"{words} in all {len(items)} families ({g(values[0])} to {g(values[-1])})"
    return "; ".join(words + " in the " + ", ".join(f"{family_words(f)} ({g(r)})"
                                                    for f, r in items)
                     for words, items in groups.items())


def _claims(claims):
    return ["", "Headline claims:", "", *findings(claims), ""]


def flow(s):
    families = list(s["ratios"])
    names = list(s["ratios"][families[0]])
    lines = [
        "## 1. Gradient norms by layer at initialization",
        "",
        "![activation gradients by layer](flow_activation.png)",
        "",
        "*The norm ‖dL/dx_l‖ of the loss gradient with respect to x_l, the activations at "
        "block boundary l (x_0 is the first block's input, x_L the last block's output), "
        "for stacks of L blocks at initialization, on one batch of digits in float64. "
        "Bottom row: the residual net without the +1, on its own scale. Its forward is "
        "the residual net's, but backward drops the identity term of each block's "
        "Jacobian I + dF/dx (He et al. 2016, eq. 5), so its gradient must pass through "
        "every branch.*",
        "",
        "The first-to-last ratio ‖dL/dx_0‖ / ‖dL/dx_L‖ measures what reaches the bottom "
        "of the stack: 1 means nothing was lost, a tiny ratio that the gradient vanished, "
        "a huge one that it exploded; nan means no gradient reached x_L at all (an "
        "exploding forward saturated the head's tanh).",
        "",
    ]
    lines += table(["stack", *(f"{family_words(f)} (L={s['depths'][f]})"
                               for f in families)],
                   [[_variant(n), *(g(s["ratios"][f][n]) for f in families)] for n in names])
    lines += ["", "What the table shows, stack by stack:", ""]
    lines += [f"- {_variant(n)}: the gradient "
              + _fates({f: s["ratios"][f][n] for f in families}) + "." for n in names]
    lines += [
        "",
        "Glorot & Bengio (2010) found plain stacks' lower layers starve; the table shows how "
        "much that depends on the initialization (the Xavier and He inits are designed to "
        "keep the gradient's variance from layer to layer). A residual block whose branch "
        "has He init adds a variance-preserving F(x) to x, so Var(x_l) doubles at every "
        "block unless the branch is scaled down, here by 1/sqrt(L).",
        "",
        "![weight gradients by layer](flow_weight.png)",
        "",
        "*The weight-gradient norms ‖dL/dW_l‖ of the same stacks, one point per weighted "
        "layer.*",
        "",
        "Glorot & Bengio (2010, eq. 14) showed that weight gradients can stay flat across "
        "layers while activation gradients vanish, because dL/dW_l multiplies the gradient "
        "at layer l by the activations entering it, which grow toward the bottom. Largest "
        "over smallest norm across the plain stacks' hidden layers: "
        + "; ".join(f"{family_words(f)}: weight gradients {g(s['weight_spread'][f])}, "
                    f"activation gradients {g(s['activation_spread'][f])}" for f in families)
        + ".",
    ]
    return lines + _claims(claims_of.flow(s))


def depth(s):
    lines = [
        "## 2. First-to-last ratio against depth: the lambda^L law",
        "",
        "![first-to-last ratio against depth](ratio_vs_depth.png)",
        "",
        "*First-to-last ratio ‖dL/dx_0‖ / ‖dL/dx_L‖ of tanh MLPs (standard init) against "
        "their depth L. A shortcut scaled by lambda computes lambda x + F(x); with the "
        "branches F made small (x 0.01) each block's Jacobian is close to lambda I, so "
        "the ratio should be lambda^L (He et al. 2016, eq. 8: any lambda other than 1 "
        "makes the shortcut itself vanish or explode with depth). Black dashed lines: "
        "lambda^L. Right: the residual net without the +1, whose fall would flatten the "
        "rest, on its own scale.*",
        "",
        "The slope of log ratio against L, fitted by least squares over the depths, is the "
        "log of the factor each block multiplies the gradient by; the law says log lambda:",
        "",
    ]
    rows = []
    for lam, slope in s["fits"].items():
        log_lam = math.log(float(lam))
        fitted = f"{slope:.4f}" if math.isfinite(slope) else "nan (no usable depths)"
        gap = f"{abs(slope - log_lam):.4f}" if math.isfinite(slope) else ""
        rows.append([float(lam), fitted, f"{log_lam:.4f}", gap])
    lines += table(["lambda", "fitted slope of log ratio per block", "log lambda",
                    "difference"], rows)
    return lines + _claims(claims_of.depth(s))


def _by_depth(rows, kind):
    return {r["depth"]: r["train_loss"] for r in rows if r["kind"] == kind}


def _trend(losses, unit):
    """'rises with every step in depth: 0.00065 at 4 blocks, ..., 1.53 at 32 blocks'."""
    depths = sorted(losses)
    values = ", ".join(f"{g(losses[d])} at {d} {unit}" for d in depths)
    if len(depths) == 1:
        return f"is {values}"
    steps = [losses[b] > losses[a] for a, b in zip(depths, depths[1:])]
    shape = ("rises with every step in depth" if all(steps) else
             "falls with every step in depth" if not any(steps) else "rises and falls with depth")
    return f"{shape}: {values}"


def _degradation(rows, family, unit):
    plain, residual = _by_depth(rows, "plain"), _by_depth(rows, "residual")
    deepest = max(plain)
    best = min(residual, key=residual.get)
    own = ("its deepest net is also its best" if best == deepest else
           f"its {deepest}-{unit[:-1]} net ends {g(residual[deepest] / residual[best])}x above "
           f"its best, the {best}-{unit[:-1]} net")
    return (f"- {family}: the plain nets' final training loss {_trend(plain, unit)}. The "
            f"residual nets' {_trend(residual, unit)}; {own}. At {deepest} {unit} the plain "
            f"net ends {g(plain[deepest] / residual[deepest])}x above its residual twin.")


def training(s):
    rows = s["table"]
    lines = [
        "## 3. Training plain and residual networks on digits",
        "",
        "![training loss, MLP stacks](training_loss.png)",
        "![training loss, ResNets](training_loss_resnet.png)",
        "",
        "*Training loss with the same budget (SGD with momentum 0.9) for ReLU MLP stacks "
        "(He init, width 64, residual branches scaled by 1/sqrt(L)) and for CIFAR-style "
        "ResNets and their plain twins (6n+2 weighted layers, batch norm; the plain twin "
        "is the same net without its shortcuts). The degradation problem (He et al. 2015, "
        "Fig. 1 and 6): past some depth a plain net trains worse than a shallower one, "
        "though it could copy the shallower net and set its extra layers to identities.*",
        "",
    ]
    lines += table(["network", "depth", "stack", "final training loss", "test accuracy"],
                   [[r["family"], r["depth"], r["kind"], f"{r['train_loss']:.4f}",
                     f"{r['test_accuracy']:.3f}"] for r in rows])
    lines += ["", "What the table shows:", ""]
    for family, unit in (("MLP (ReLU, He init)", "blocks"), ("ResNet (batch norm)", "layers")):
        family_rows = [r for r in rows if r["family"] == family]
        if family_rows:
            lines.append(_degradation(family_rows, family, unit))
    lines += [
        "",
        "The plain ResNets have batch norm, which He et al. (2015) found keeps their "
        "gradients from vanishing: their degradation is a difficulty of optimization, not "
        "only of vanishing gradients.",
    ]
    spread = s["layer_spread"]
    plain, residual = spread["plain"], spread["residual"]
    if residual < plain / 2:
        verdict = "the identity paths give the layers more even gradients than the plain stack has"
    elif residual > plain * 2:
        verdict = "the residual stack's layers get less even gradients than the plain stack's"
    else:
        verdict = ("the residual stack's layers get gradients about as uneven as the plain "
                   "stack's. At this depth, with He init, the plain stack's gradient does not "
                   "vanish while it trains either: its trouble is not uneven gradients")
    lines += [
        "",
        "![gradient heatmap](gradient_heatmap.png)",
        "",
        f"*log10 ‖dL/dx_l‖ by block boundary l (rows) and training step (columns) while "
        f"training the {s['heatmap_depth']}-block MLP pair.*",
        "",
        f"Across block boundaries the largest gradient norm is {g(plain)}x the smallest in "
        f"the plain stack and {g(residual)}x in the residual one (median over steps): "
        f"{verdict}.",
    ]
    return lines + _claims(claims_of.training(s))


def lesion(s):
    plain, residual = s["summary"]["plain"], s["summary"]["residual"]
    lines = [
        "## 4. Lesion study",
        "",
        "![lesion](lesion.png)",
        "",
        f"*Test accuracy of the trained {s['depth']}-block MLP pair of experiment 3 after "
        "deleting one block at test time (Veit et al. 2016, Fig. 3): a deleted residual "
        "block leaves its shortcut, x_{l+1} = x_l; a deleted plain block is replaced by "
        "the identity too, which its neighbours were never trained to see.*",
        "",
    ]
    lines += table(["stack", "intact", "mean with one block deleted", "worst"],
                   [[kind, f"{r['baseline']:.3f}", f"{r['mean_removed']:.3f}",
                     f"{r['worst_removed']:.3f}"] for kind, r in s["summary"].items()])
    cost = residual["baseline"] - residual["mean_removed"]
    near_chance = "near chance (0.1)" if plain["mean_removed"] < 0.2 else "far above chance"
    ensemble = (": the rest of the network behaves like an ensemble that lost one member"
                if cost < 0.05 else ", more than an ensemble that lost one of many members "
                "would")
    lines += [
        "",
        f"Deleting one residual block costs {cost:.3f} of test accuracy on average (the "
        f"worst deletion leaves {residual['worst_removed']:.3f}){ensemble}. Deleting one "
        f"plain block leaves {plain['mean_removed']:.3f} on average, {near_chance}.",
    ]
    return lines + _claims(claims_of.lesion(s))


def _noise(a, b, n):
    """Whether two accuracies measured on n test images differ by more than twice the
    standard error of their difference."""
    error = math.sqrt((a * (1 - a) + b * (1 - b)) / n)
    return abs(a - b) > 2 * error, error


def variants(s):
    lines = [
        "## 5. Convolution variants",
        "",
        "The sizes of the convolution notes this study tests (3x3 kernels, 32 to 64 "
        "channels; depthwise keeps 32 channels): parameters, multiply-adds for a batch of "
        "64 images of 16x16, and the time of one forward and backward in minigrad, as the "
        "median of the repeats with the fastest and slowest beside it (how steady the "
        "machine was):",
        "",
    ]
    lines += table(["conv", "parameters", "multiply-adds", "ms (median)", "ms (fastest to slowest)"],
                   [[r["kind"].replace("_", " "), f"{r['params']:,}", f"{r['macs']:,}",
                     f"{r['ms']:.1f}",
                     "{:.1f} to {:.1f}".format(*r.get("ms_range", (r["ms"], r["ms"])))]
                    for r in s["costs"]])
    one = s["one_channel"]
    lines += [
        "",
        "The spatial-separable conv here keeps C_out channels between its 1x3 and 3x1 steps "
        "(C_mid = C_out, as `nn.SpatialSeparableConv2d`), so at 32 to 64 channels it has as "
        "many weights as the standard conv; the saving the notes describe, k^2 weights "
        f"against 2k, is per channel: for one channel, {one['standard']} weights against "
        f"{one['spatial_separable']}.",
        "",
        "![accuracy against parameters](variants_accuracy.png)",
        "",
        f"*The same ResNet-{s['depth']} on digits built from each variant: test accuracy "
        f"against parameters, with 95% intervals for a test set of {s['test_size']} images "
        "(cf. MobileNet, Howard et al. 2017, Table 4).*",
        "",
    ]
    lines += table(["block", "parameters", "test accuracy", "final training loss"],
                   [[r["block"].replace("_", " "), f"{r['params']:,}", f"{r['test_accuracy']:.3f}",
                     f"{r['train_loss']:.4f}"] for r in s["accuracy"]])
    by_block = {row["block"]: row for row in s["accuracy"]}
    standard, separable = by_block["standard"], by_block["depthwise_separable"]
    beyond, error = _noise(standard["test_accuracy"], separable["test_accuracy"], s["test_size"])
    gap = 100 * (standard["test_accuracy"] - separable["test_accuracy"])
    words = "fewer" if gap > 0 else "more"
    verdict = ("more than twice the standard error of the difference, so beyond noise"
               if beyond else "within twice the standard error of the difference, so "
               "within noise: this run cannot tell them apart")
    lines += [
        "",
        f"The depthwise-separable ResNet has {standard['params'] / separable['params']:.1f}x "
        f"fewer parameters and gets {abs(gap):.1f} points {words} right "
        f"({separable['test_accuracy']:.3f} against {standard['test_accuracy']:.3f}); with "
        f"{s['test_size']} test images (one image is {100 / s['test_size']:.2f} points) "
        f"the standard error of the difference is {100 * error:.1f} points, and this gap is "
        f"{verdict}. MobileNet (Table 4) lost about one point of ImageNet accuracy (70.6% "
        "against 71.7%) for 7x fewer parameters and 8.5x fewer multiply-adds.",
    ]
    return lines + _claims(claims_of.variants(s))


def separability(s):
    learned, random = s["summary"]["learned"], s["summary"]["random"]
    closer = learned["mean"] > random["mean"] + 0.01
    verdict = ("learned kernels are closer to rank 1 than random ones" if closer else
               "learned kernels are no closer to rank 1 than random ones")
    change = 100 * s["relative_change"]
    lines = [
        "## 6. Are learned kernels separable?",
        "",
        "![separability](separability.png)",
        "",
        "*For each 3x3 kernel, the share of its energy in its top singular value, "
        "s1^2 / (s1^2 + s2^2 + s3^2): 1 exactly when the kernel is an outer product of a "
        "column and a row, i.e. spatially separable into a 3x1 and a 1x3 conv; 1/3 when its "
        "energy is spread evenly. For the trained standard ResNet of experiment 5, for the "
        "same kernels at initialization (He normal, i.e. Gaussian), and for as many fresh "
        "random Gaussian kernels.*",
        "",
    ]
    lines += table(["kernels", "count", "mean", "median", "share above 0.9"],
                   [[name, r["kernels"], f"{r['mean']:.3f}", f"{r['median']:.3f}",
                     f"{r['share_above_0.9']:.3f}"] for name, r in s["summary"].items()])
    moved = ("so the statistic mostly reflects the random initialization, not something "
             "the network learned" if change < 50 else "far enough that the statistic "
             "reflects what the network learned")
    lines += ["", f"Here {verdict} (mean {learned['mean']:.3f} against {random['mean']:.3f}); "
              f"{100 * learned['share_above_0.9']:.1f}% of learned kernels put more than 90% "
              "of their energy in one rank-1 term. Training moved the kernels by "
              f"{change:.0f}% of their norm (‖W - W0‖ / ‖W0‖), {moved}."]
    return lines + _claims(claims_of.separability(s))
