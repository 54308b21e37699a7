"""Identity as the default (He et al. 2015, Fig. 7 and section 4.2): how much each block of
a trained ResNet changes its input.

He et al. plotted the standard deviation of each 3x3 layer's response (after batch norm,
before the ReLU) on CIFAR-10 and found the ResNets' responses smaller than their plain
twins', and smaller in deeper ResNets: residual functions are closer to zero than the
functions a plain net must learn, and the deeper the net, the less each block modifies
the signal. Here, for experiment 3's trained ResNets and plain twins (6n+2 layers, on
digits), on a fixed batch of training images with batch norm in eval mode, per block:

    absolute form   std(F(x))            F(x) the block's branch output, after its last
                                         batch norm (the paper's response, at the block's
                                         second 3x3 layer)
    relative form   std(F(x)) / std(x)   x the block's input (residual blocks: the part
                                         of the sum that is not the shortcut, against the
                                         shortcut's input)

each std over every element of the batch's tensor (images, channels and positions). Both
are read by a forward hook on each branch (Module.register_forward_hook), which sees the
branch's input and output. For comparison the same ResNets at initialization are measured
too, with batch norm's statistics set to those of the batch (as in the shattered
experiment): after every batch norm of a fresh net the response's std is about 1, so the
relative form at initialization is set by how std(x) grows along the identity paths.
(The plain nets at initialization are not measured: their responses are ~1 by the same
token, and their relative form is not the size of a correction to an identity.)
"""

import os

import numpy as np

import minigrad as mg
from minigrad import nn
from minigrad.models.resnet import resnet

from . import shattered, trained

#: Per report size: the training images of the fixed batch.
SIZES = {"quick": {"images": 128}, "default": {"images": 256}, "full": {"images": 1024}}
#: The absolute form counts as reproduced when, at every depth, the residual net's mean
#: response is at least this factor below its plain twin's.
SEPARATION = 1.2


def branches(model):
    """The branch of each block of a 6n+2 net (models.resnet): in a ResNet block[0] is the
    ResidualBlock holding it, in a plain net block[0] is the branch itself."""
    return [block[0].branch if isinstance(block[0], nn.ResidualBlock) else block[0]
            for block in model.blocks]


def block_responses(model, images):
    """Per block, std(x) of the branch's input and std(F(x)) of its output, on `images` in
    eval mode (the model's train/eval mode is restored). Returns two lists."""
    seen = []

    def keep(module, args, output):
        seen.append((float(np.std(args[0].numpy())), float(np.std(output.numpy()))))

    handles = [branch.register_forward_hook(keep) for branch in branches(model)]
    was_training = model.training
    model.eval()
    try:
        with mg.no_grad():
            model(mg.tensor(images))
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    inputs, responses = zip(*seen)
    return list(inputs), list(responses)


def last_norm_scales(model):
    """Mean |gamma| of the last batch norm of each branch: 1 where training left it alone."""
    return [float(np.abs([m for m in branch.modules()
                          if isinstance(m, nn.BatchNorm2d)][-1].weight.detach().numpy()).mean())
            for branch in branches(model)]


def measure(model, images):
    """Both forms per block, with the batch norm scales and the means over blocks."""
    inputs, responses = block_responses(model, images)
    relative = [r / x for r, x in zip(responses, inputs)]
    scales = last_norm_scales(model)
    return {"absolute": responses, "relative": relative, "norm_scale": scales,
            "mean_absolute": float(np.mean(responses)), "mean_relative": float(np.mean(relative)),
            "mean_norm_scale": float(np.mean(scales))}


def initial_resnet(layers, images, seed):
    """The ResNet of experiment 3 as it was before training (models.resnet with the same
    seed), batch norm's statistics set to those of `images`."""
    model = resnet((layers - 2) // 6, in_channels=1, num_classes=10,
                   generator=np.random.default_rng(seed))
    return shattered.calibrate_batch_norm(model, images)


def experiment(run):
    """Measures experiment 3's trained ResNets and plain twins and the same nets at
    initialization; writes block_response.json and .png."""
    cnn = trained.resnets(run)
    count = SIZES[run.size_name]["images"]
    images = run.split.x_train[:count]
    nets = {}
    for i, layers in enumerate(cnn["layers"]):
        nets[layers] = {}
        for kind in ("plain", "residual"):
            result = measure(cnn["models"][layers][kind], images)
            result["test_accuracy"] = cnn["runs"][kind][i]["test_accuracy"]
            nets[layers][kind] = result
            run.tick()
        nets[layers]["residual"]["init"] = measure(initial_resnet(layers, images, run.seed),
                                                   images)
        run.tick()
    plot_responses(nets, os.path.join(run.out, "block_response.png"))
    run.write_json("block_response.json", {"images": count,
                                           "nets": {str(k): v for k, v in nets.items()}})
    ratios = {layers: pair["plain"]["mean_absolute"] / pair["residual"]["mean_absolute"]
              for layers, pair in nets.items()}
    return {"figures": ["block_response.png"], "data": "block_response.json", "images": count,
            "layers": list(nets), "nets": nets, "absolute_ratio": ratios,
            "absolute_reproduced": bool(all(r >= SEPARATION for r in ratios.values()))}


def plot_responses(nets, path):
    """Left: std(F(x)) per block, plain and residual, each depth. Right: std(F(x))/std(x)
    per block of the ResNets, trained and at initialization."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plots

    styles = dict(zip(sorted(nets), [":", "--", "-", "-."]))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for layers, pair in nets.items():
        blocks = np.arange(1, len(pair["plain"]["absolute"]) + 1)
        for kind, result in pair.items():
            left.plot(blocks, result["absolute"], linestyle=styles[layers], marker=".",
                      color=plots.STYLE[kind], label=f"{kind}, {layers} layers")
        residual = pair["residual"]
        right.plot(blocks, residual["relative"], linestyle=styles[layers], marker=".",
                   color=plots.STYLE["residual"], label=f"trained, {layers} layers")
        right.plot(blocks, residual["init"]["relative"], linestyle=styles[layers],
                   color="gray", label=f"at initialization, {layers} layers")
    left.set_title("Absolute form: std of each block's response\n"
                   "(after its last batch norm; cf. He et al. 2015, Fig. 7)", fontsize=10)
    left.set_ylabel(r"std$(F(x))$")
    right.set_title("Relative form in the ResNets: how much each block\n"
                    "changes its input", fontsize=10)
    right.set_ylabel(r"std$(F(x))\,/\,$std$(x)$")
    for ax in (left, right):
        ax.set_xlabel("block (from the input)")
        ax.set_ylim(0, None)
        ax.legend(fontsize=7)
    plots._save(fig, path)


def claims(summary):
    """The issue's claim: the mean relative form is smaller in the deeper ResNet (56 against
    20 layers; 20 against 8 reported too). Depths the run did not train are left out."""
    means = {layers: pair["residual"]["mean_relative"] for layers, pair in summary["nets"].items()}
    return [{"claim": f"mean std(F(x))/std(x) over the blocks is smaller at {deep} than at "
                      f"{shallow} layers", "value": [means[deep], means[shallow]],
             "holds": bool(means[deep] < means[shallow])}
            for deep, shallow in ((56, 20), (20, 8)) if deep in means and shallow in means]


def report_section(summary):
    """The report's section: figure, table, the claims, and the plain verdict on Fig. 7."""
    from .report import _table

    nets = summary["nets"]
    lines = [
        "## 8. Identity as the default: how much each block changes its input",
        "",
        "![block responses](block_response.png)",
        "",
        f"*Left: the standard deviation of each block's response F(x), its branch output "
        f"after the last batch norm, on {summary['images']} training digits (batch norm in "
        "eval mode), for experiment 3's trained ResNets (blue) and plain twins (red). Right: "
        "the relative form std(F(x))/std(x), x the block's input, for the ResNets, trained "
        "(blue) and at initialization (gray, batch norm set to the batch's statistics). He "
        "et al. (2015, Fig. 7) found the responses of ResNets smaller than those of plain "
        "nets and smaller in deeper ResNets: with the identity as the default, each block "
        "needs to add only a small correction.*",
        "",
        "Means over the blocks. Response std: the absolute form; relative form: "
        "std(F(x))/std(x), for residual blocks only; last batch norm's scale: the mean of "
        "|gamma| over the channels of the branch's last batch norm (1 at initialization); "
        "'at init': the ResNet before training, from the same seed.",
        "",
    ]
    rows = []
    for layers, pair in nets.items():
        for kind, r in pair.items():
            init = r.get("init")
            rows.append([layers, kind, f"{r['test_accuracy']:.3f}", f"{r['mean_norm_scale']:.3f}",
                         f"{r['mean_absolute']:.3f}",
                         f"{init['mean_absolute']:.3f}" if init else "",
                         f"{r['mean_relative']:.3f}" if init else "n/a",
                         f"{init['mean_relative']:.3f}" if init else ""])
    lines += _table(["layers", "net", "test accuracy", "last batch norm's scale",
                     "response std", "at init", "relative form", "at init"], rows)
    lines += ["", "Claims (the relative form is the one a PyTorch twin of this study calibrated):", ""]
    lines += [f"- {c['claim']}: {c['value'][0]:.3f} against {c['value'][1]:.3f}, "
              f"{'holds' if c['holds'] else 'does NOT hold'} in this run." for c in claims(summary)]
    if len(nets) < 2:
        lines.append(f"- Not measured: this size trains only the {list(nets)[0]}-layer pair, "
                     "so there is no deeper net to compare with.")
    lines += ["", _verdict(summary), ""]
    return lines


def _verdict(summary):
    """The plain statement on the paper's figure (the absolute form), from the numbers."""
    nets, ratios = summary["nets"], summary["absolute_ratio"]
    text = ", ".join(f"{ratios[layers]:.2f} at {layers} layers" for layers in nets)
    scales = [pair["residual"]["mean_norm_scale"] for pair in nets.values()]
    verdict = ("The paper's figure (the absolute form) reproduced" if summary["absolute_reproduced"]
               else "The paper's figure (the absolute form) did not reproduce at this scale")
    responses = [pair["residual"]["mean_absolute"] for pair in nets.values()]
    lower = ", ".join(f"{round(100 * (1 - 1 / ratio))}%" for ratio in ratios.values())
    words = (f"{verdict}: plain over residual mean response std is {text}, where we ask for at "
             f"least {SEPARATION} at every depth (the residual response is lower by {lower} "
             f"at {_join(nets)} layers).")
    if max(abs(scale - 1) for scale in scales) <= 0.1:
        words += (f" On digits the ResNets' batch-norm scales stay near 1 (mean |gamma| "
                  f"{_span(scales)}), and so do their responses (mean std {_span(responses)}): "
                  "after batch norm a response is about as large as its scale, and training "
                  "barely moved the scales.")
    else:
        words += (f" The ResNets' batch-norm scales moved from 1 (mean |gamma| {_span(scales)}; "
                  f"mean response std {_span(responses)}).")
    failed = [f"{layers} layers (test accuracy {pair['plain']['test_accuracy']:.0%})"
              for layers, pair in nets.items() if pair["plain"]["test_accuracy"] < 0.5]
    if failed:
        words += (f" The plain net at {_join(failed)} trained poorly: a larger response there "
                  "is a failing net's, not the paper's contrast between two trained nets.")
    relative = {layers: pair["residual"] for layers, pair in nets.items()}
    if len(relative) > 1:
        init = ", ".join(f"{r['init']['mean_relative']:.2f}" for r in relative.values())
        now = ", ".join(f"{r['mean_relative']:.2f}" for r in relative.values())
        lowered = [str(layers) for layers, r in relative.items()
                   if r["mean_relative"] < r["init"]["mean_relative"]]
        at_init = [relative[layers]["init"]["mean_relative"] for layers in sorted(relative)]
        order = ("the fall with depth is already there before training (std(x) grows along "
                 "the identity paths while std(F(x)) starts near 1)"
                 if all(a > b for a, b in zip(at_init, at_init[1:])) else
                 "at initialization it does not fall with depth at every step")
        words += (f" The relative form at {_join(relative)} layers is {now} trained against "
                  f"{init} at initialization: {order}, and training lowered the mean at "
                  f"{_join(lowered) + ' layers' if lowered else 'no depth'}.")
    return words


def _join(items):
    """'8', '8 and 20', '8, 20 and 56'."""
    items = [str(item) for item in items]
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]


def _span(values):
    """'0.98 to 1.06', or one number when they agree to two decimals."""
    low, high = f"{min(values):.2f}", f"{max(values):.2f}"
    return low if low == high else f"{low} to {high}"
