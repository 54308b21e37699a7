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


def residual_mlp(run, depth, lr=TRAIN_LR):
    """One residual MLP of `depth` blocks, trained as the training experiment trains its
    stacks (dynamics.make_stack(True, depth, 64, seed), dynamics.fit for train_epochs) at
    learning rate `lr`: dynamics.fit's result with "model". The training experiment's own
    network when it has already trained that depth at that rate."""
    key = f"residual_mlp_{depth}_lr{lr}"
    stacks = run.cache.get("mlp_stacks")
    if key not in run.cache and lr == TRAIN_LR and stacks and depth in stacks["depths"]:
        index = stacks["depths"].index(depth)
        run.cache[key] = {**stacks["runs"]["residual"][index],
                          "model": stacks["models"][depth]["residual"]}
    if key not in run.cache:
        model = dynamics.make_stack(True, depth, 64, run.seed)
        result = dynamics.fit(model, run.split, run.size["train_epochs"], lr, seed=run.seed,
                              progress=run.tick)
        run.cache[key] = {**result, "model": model}
    return run.cache[key]
