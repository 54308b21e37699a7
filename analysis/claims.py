"""The headline claims of the report's first experiments, computed from their summaries.

Each function takes an experiment's summary (what its runner in `experiments` returned) and
returns a list of claims {"claim": words, "value": number(s), "holds": bool}, as the newer
experiment modules' `claims(summary)` do. The report's findings sentences are written from
these lists (so a run where a claim fails says so in its text), and the slow test asserts
that every claim of every experiment holds at default size.

Only claims that held on seeds 0 to 3 at default size belong here. What a run may show
either way (the residual nets' own slight degradation, whether learned kernels are more
separable than random ones) is described in the sections from the numbers, not asserted.
"""

import math

#: The variant names of `flow.shortcut_variants` that the claims read.
RESIDUAL = "residual (branch x 1/sqrt(L))"
NO_PLUS_ONE = "residual, no +1 (shortcut_grad=False)"
UNSCALED = "residual, unscaled branch"
FAMILY_WORDS = {"mlp_tanh_standard": "tanh MLP, standard init",
                "mlp_tanh_xavier": "tanh MLP, Xavier init",
                "mlp_relu_he": "ReLU MLP, He init", "cnn_relu_he": "ReLU CNN, He init"}


def family_words(family):
    return FAMILY_WORDS.get(family, family.replace("_", " "))


def claim(words, value, holds):
    """One claim: its words, the measured value(s) it rests on, and whether it held."""
    return {"claim": words, "value": value, "holds": bool(holds)}


def number(value):
    """A measured value as report text: 3 significant digits; a list item by item, a dict
    as 'key: value; ...'."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {number(v)}" for key, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(number(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if value == 0 or not math.isfinite(value):
        return str(value) if value else "0"
    return f"{value:.3g}"


def findings(claims):
    """Markdown list lines, one per claim, each saying whether it held in this run."""
    return [f"- {'Held' if c['holds'] else 'Did not hold in this run'}: {c['claim']} "
            f"(measured: {number(c['value'])})." for c in claims]


def flow(s):
    """Experiment 1 at initialization: the plain tanh stack loses the gradient, its residual
    twin keeps it, and removing the +1 from backward alone loses it again; unscaled residual
    branches make the ReLU stacks' gradient explode."""
    tanh = s["ratios"]["mlp_tanh_standard"]
    depth = s["depths"]["mlp_tanh_standard"]
    relu = {family_words(f): r[UNSCALED] for f, r in s["ratios"].items() if "relu" in f}
    below = {family_words(f): r[NO_PLUS_ONE] / r["plain"] for f, r in s["ratios"].items()}
    return [
        claim(f"the plain tanh MLP of {depth} blocks (standard init) loses the gradient: "
              "first-to-last ratio below 1e-6", tanh["plain"], tanh["plain"] < 1e-6),
        claim("its residual twin (branches scaled by 1/sqrt(L)) keeps it: ratio between "
              "0.3 and 10", tanh[RESIDUAL], 0.3 < tanh[RESIDUAL] < 10),
        claim("the same residual net without the +1 in backward loses it: ratio below 1e-6",
              tanh[NO_PLUS_ONE], tanh[NO_PLUS_ONE] < 1e-6),
        claim("without the +1 the gradient falls even below the plain stack's, in every "
              "family (ratio without the +1 over the plain ratio, below 1)", below,
              all(v < 1 for v in below.values())),
        claim("unscaled residual branches in the ReLU stacks make the gradient explode: "
              "ratio above 1e6", relu, all(v > 1e6 for v in relu.values())),
    ]


def depth(s):
    """Experiment 2: the scaled shortcuts follow lambda^L."""
    slopes = {float(lam): slope for lam, slope in s["fits"].items()}
    gaps = {f"lambda {lam}": abs(slope - math.log(lam)) for lam, slope in slopes.items()}
    return [claim("with a shortcut scaled by lambda the log first-to-last ratio grows by "
                  "log lambda per block: |fitted slope - log lambda| below 0.05 for every "
                  "lambda", gaps, all(g < 0.05 for g in gaps.values()))]


def training(s):
    """Experiment 3: the degradation problem. The deepest plain nets train far worse than
    the shallowest ones, and than their residual twins."""
    out = []
    for family, unit in (("MLP (ReLU, He init)", "blocks"), ("ResNet (batch norm)", "layers")):
        rows = [r for r in s["table"] if r["family"] == family]
        loss = {(r["depth"], r["kind"]): r["train_loss"] for r in rows}
        shallowest, deepest = min(r["depth"] for r in rows), max(r["depth"] for r in rows)
        if shallowest < deepest:
            worse = loss[deepest, "plain"] / loss[shallowest, "plain"]
            out.append(claim(f"the plain {family} of {deepest} {unit} ends with a training "
                             f"loss over 10x that of {shallowest} {unit} (deepest / "
                             "shallowest)", worse, worse > 10))
        twin = loss[deepest, "plain"] / loss[deepest, "residual"]
        out.append(claim(f"at {deepest} {unit}, the plain {family} ends with a training loss "
                         "over 10x its residual twin's (plain / residual)", twin, twin > 10))
    return out


def lesion(s):
    """Experiment 4: deleting a block hurts the plain stack far more than the residual one."""
    plain, residual = s["summary"]["plain"], s["summary"]["residual"]
    return [
        claim("the plain stack did train (test accuracy above 0.9), so its lesions mean "
              "something", plain["baseline"], plain["baseline"] > 0.9),
        claim("with one block deleted, the residual stack's mean test accuracy is over 0.3 "
              "above the plain stack's (residual, plain)",
              [residual["mean_removed"], plain["mean_removed"]],
              residual["mean_removed"] > plain["mean_removed"] + 0.3),
    ]


def variants(s):
    """Experiment 5: the depthwise-separable ResNet has several times fewer parameters."""
    blocks = {r["block"]: r for r in s["accuracy"]}
    cut = blocks["standard"]["params"] / blocks["depthwise_separable"]["params"]
    return [claim("the depthwise-separable ResNet has at least 5x fewer parameters than the "
                  "standard one (standard / depthwise-separable)", cut, cut >= 5)]


def separability(s):
    """Experiment 6: most learned 3x3 kernels are not close to separable."""
    share = s["summary"]["learned"]["share_above_0.9"]
    return [claim("most learned 3x3 kernels are far from separable: under half put more "
                  "than 90% of their energy in one rank-1 term (share that do)", share,
                  share < 0.5)]
