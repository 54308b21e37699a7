"""Experiments 3 and 4: training plain and residual stacks, and lesioning them.

3. `degradation`: train plain and residual MLP stacks of several depths on digits with the
   same budget. Deeper plain stacks train worse, residual ones do not (the degradation
   problem, He et al. 2015, Fig. 1 and 6). A GradientRecorder follows ||dL/dx_l|| at every
   step, for the layer-by-step heatmap. `resnet_degradation` does the same with the
   CIFAR-style ResNets and their plain twins, which have batch norm.
4. `lesion`: delete one block at test time from a trained residual stack and from a trained
   plain stack, and measure test accuracy for each deleted block (Veit et al. 2016). A
   residual block deleted leaves its shortcut, x_{l+1} = x_l, and the net behaves like an
   ensemble that lost one member; a plain block deleted breaks the only path.
"""

import math

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.models.resnet import resnet
from minigrad.models.stacks import plain_mlp, residual_mlp

from .recorder import GradientRecorder


def fit(model, split, epochs, lr, batch_size=64, seed=0, record=False, progress=None):
    """Train with SGD (momentum 0.9). Returns {"loss": per-step losses, "heatmap": per-step
    activation-gradient norms (steps, L+1) or None, "train_loss", "test_accuracy"}."""
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loader = DataLoader(TensorDataset(split.x_train, split.y_train), batch_size=batch_size,
                        shuffle=True, generator=mg.Generator().manual_seed(seed))
    recorder = GradientRecorder(model) if record else None
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            if recorder is not None:
                recorder.record()
            optimizer.step()
            value = loss.item()
            losses.append(value if math.isfinite(value) else float("nan"))
        if progress is not None:
            progress()
    if recorder is not None:
        recorder.remove()
    train_loss, _ = evaluate(model, split.x_train, split.y_train)
    _, test_accuracy = evaluate(model, split.x_test, split.y_test)
    return {
        "loss": losses,
        "heatmap": None if recorder is None else recorder.activation_norms.tolist(),
        "train_loss": train_loss,
        "test_accuracy": test_accuracy,
    }


def evaluate(model, x, y):
    """(mean cross-entropy, accuracy) on the whole set, without building a graph."""
    model.eval()
    with mg.no_grad():
        logits = model(mg.tensor(x))
        loss = F.cross_entropy(logits, y).item()
    model.train()
    return loss, float((logits.argmax(1) == y).float().mean())


def make_stack(residual, depth, width, seed, activation="relu", init="he"):
    """The degradation study's pair: ReLU stacks with He init (the setting of He et al.);
    the residual twin's branches are scaled by 1/sqrt(depth)."""
    generator = np.random.default_rng(seed)
    if residual:
        return residual_mlp(depth, width, activation=activation, init=init,
                            branch_scale=1 / math.sqrt(depth), generator=generator)
    return plain_mlp(depth, width, activation=activation, init=init, generator=generator)


def degradation(split, depths, epochs, lr, width=64, seed=0, progress=None):
    """Experiment 3. Returns {"depths", "runs": {"plain"/"residual": [fit results]},
    "models": {depth: {"plain": model, "residual": model}}} (the trained models feed the
    lesion study). Gradient norms are recorded for the deepest pair."""
    runs = {"plain": [], "residual": []}
    models = {}
    for depth in depths:
        models[depth] = {}
        for kind in ("plain", "residual"):
            model = make_stack(kind == "residual", depth, width, seed)
            runs[kind].append(fit(model, split, epochs, lr, seed=seed,
                                  record=depth == max(depths), progress=progress))
            models[depth][kind] = model
    return {"depths": list(depths), "runs": runs, "models": models}


def resnet_degradation(split, ns, epochs, lr, seed=0, progress=None):
    """Experiment 3, CNN part: CIFAR-style ResNets and their plain twins (6n+2 layers, batch
    norm, as in He et al. 2015, Fig. 6) trained with the same budget.
    Returns {"layers": [6n+2, ...], "runs": {"plain"/"residual": [fit results]},
    "models": {layers: {"plain": model, "residual": model}}}."""
    runs = {"plain": [], "residual": []}
    models = {}
    for n in ns:
        models[6 * n + 2] = {}
        for kind in ("plain", "residual"):
            model = resnet(n, in_channels=1, num_classes=10, residual=kind == "residual",
                           generator=np.random.default_rng(seed))
            runs[kind].append(fit(model, split, epochs, lr, seed=seed, progress=progress))
            models[6 * n + 2][kind] = model
    return {"layers": [6 * n + 2 for n in ns], "runs": runs, "models": models}


def lesion(model, split):
    """Experiment 4: test accuracy with each block deleted in turn (replaced by identity).
    Returns {"baseline": accuracy, "removed": [accuracy without block l, l = 1..L]}."""
    _, baseline = evaluate(model, split.x_test, split.y_test)
    accuracies = []
    blocks = model.blocks
    for index in range(len(blocks)):
        kept = blocks[index]
        setattr(blocks, str(index), _Bypass(kept))  # Sequential names its children "0", "1", ...
        _, accuracy = evaluate(model, split.x_test, split.y_test)
        accuracies.append(accuracy)
        setattr(blocks, str(index), kept)
    return {"baseline": baseline, "removed": accuracies}


class _Bypass(nn.Module):
    """A deleted block: the input passes straight through. For a residual block with
    shortcut scale lambda, what remains of it is the shortcut, lambda * x."""

    def __init__(self, block):
        super().__init__()
        self.scale = getattr(block, "shortcut_scale", 1.0)

    def forward(self, x):
        return x * self.scale if self.scale != 1.0 else x
