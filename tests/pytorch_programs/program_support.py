"""What the PyTorch programs in this folder take from the test instead of the internet, the
same for PyTorch and for minigrad: the data (small synthetic image sets in place of the
downloads), the initial weights, the shuffled order and the dropout masks.

Both runs of a program import this module unchanged. The environment tells it its part:
    PROGRAM_ROLE    "reference" (the PyTorch run, which writes the initial weights) or
                    "candidate" (the minigrad run, which loads them)
    PROGRAM_DIR     the folder both runs share (initial and final weights, saved files)
    PROGRAM_DTYPE   "float32" or "float64": the dtype of the data and the weights
"""

import os
import sys

import numpy as np

ROLE = os.environ["PROGRAM_ROLE"]
FOLDER = os.environ["PROGRAM_DIR"]
DTYPE = np.dtype(os.environ.get("PROGRAM_DTYPE", "float32"))


if ROLE == "reference":  # the initial weights, hence every number, are the same each run
    sys.modules["torch"].manual_seed(0)


def framework():
    """The module the program imported as `torch`: torch itself, or minigrad."""
    return sys.modules["minigrad" if ROLE == "candidate" else "torch"]


def images(shape, classes=10, train=128, test=64, seed=0):
    """(train_x, train_y, test_x, test_y): images of `shape` (C, H, W) whose classes differ in
    their mean brightness pattern, so a model can learn something in a few steps."""
    rng = np.random.default_rng(seed)
    patterns = rng.normal(0.0, 1.0, (classes, *shape))

    def draw(n):
        labels = rng.integers(0, classes, n)
        x = 0.5 * patterns[labels] + rng.normal(0.0, 1.0, (n, *shape))
        return x.astype(DTYPE), labels.astype(np.int64)

    return (*draw(train), *draw(test))


def path(name):
    """A file in the shared folder (where a program would write to its working directory)."""
    return os.path.join(FOLDER, name)


def same_start(model):
    """Give `model` the reference run's initial weights (in DTYPE), and make dropout draw
    the same masks in both runs. The one line a program adds after building its model."""
    torch = framework()
    if DTYPE == np.float64:
        model.double()
    weights = path("initial_weights.npz")
    if ROLE == "reference":
        np.savez(weights, **{k: v.detach().numpy() for k, v in model.state_dict().items()})
    else:
        with np.load(weights) as saved:
            model.load_state_dict({k: torch.tensor(saved[k]) for k in saved.files})
    _share_dropout_masks(torch)


def finish(model):
    """Write the trained weights, for the test to compare the two runs."""
    np.savez(path(f"final_weights_{ROLE}.npz"),
             **{k: v.detach().numpy() for k, v in model.state_dict().items()})


class EpochOrders:
    """A sampler: a new permutation of range(n) at each epoch, the same in both runs (what
    `shuffle=True` does, with an order both frameworks can share)."""

    def __init__(self, n, seed=0):
        self.n, self.rng = n, np.random.default_rng(seed)

    def __len__(self):
        return self.n

    def __iter__(self):
        return iter(self.rng.permutation(self.n).tolist())


def _share_dropout_masks(torch):
    """Replace F.dropout in this run by one drawing its masks from a numpy generator with a
    fixed seed: the same masks in both runs. (nn.Dropout calls F.dropout in both.)"""
    rng = np.random.default_rng(1234)
    functional = torch.nn.functional

    def dropout(input, p=0.5, training=True, inplace=False):
        if not training or p == 0:
            return input
        keep = (rng.random(tuple(input.shape)) >= p).astype(DTYPE)
        return input * torch.tensor(keep) * (1.0 / (1.0 - p))

    functional.dropout = dropout
