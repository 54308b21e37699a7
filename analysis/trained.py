"""The trained networks that several experiments share, trained once per report run.

The training experiment trains them; the lesion study, the loss landscape, the early-training
statistics and the others reuse them instead of training again. Each accessor trains on
first use (so an experiment also runs alone) and keeps the result in `run.cache`.
"""

from . import dynamics

#: Learning rates of the training recipe (SGD, momentum 0.9): MLP stacks and ResNets.
TRAIN_LR = 0.02
RESNET_LR = 0.05


def mlp_stacks(run):
    """The MLP pairs of the training experiment: dynamics.degradation's result, with
    "models": {depth: {"plain": model, "residual": model}}."""
    if "mlp_stacks" not in run.cache:
        run.cache["mlp_stacks"] = dynamics.degradation(
            run.split, run.size["train_depths"], run.size["train_epochs"], TRAIN_LR,
            seed=run.seed, progress=run.tick)
    return run.cache["mlp_stacks"]


def resnets(run):
    """The ResNets and plain twins of the training experiment: dynamics.resnet_degradation's
    result, with "models": {layers: {"plain": model, "residual": model}}."""
    if "resnets" not in run.cache:
        run.cache["resnets"] = dynamics.resnet_degradation(
            run.split, run.size["resnet_ns"], run.size["resnet_epochs"], RESNET_LR,
            seed=run.seed, progress=run.tick)
    return run.cache["resnets"]
