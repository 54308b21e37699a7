"""DataLoader: mini-batches of (inputs, labels) Tensors from two arrays, optionally shuffled."""

import copy
import math

import numpy as np

from ..creation import from_numpy
from ..tensor import Tensor


def _as_array(name, value):
    if isinstance(value, Tensor):
        return value._array
    if isinstance(value, np.ndarray):
        return value
    raise TypeError(f"DataLoader: {name} must be a numpy array or a minigrad Tensor, "
                    f"got {type(value).__name__}")


class DataLoader:
    """Iterate over (x_batch, y_batch) pairs of Tensors, one epoch per `for` loop.

        loader = DataLoader(split.x_train, split.y_train, batch_size=64, shuffle=True, seed=0)
        for epoch in range(10):
            for x, y in loader:          # a new order every epoch
                ...

    Args:
        x: inputs, a numpy array or Tensor whose first axis indexes the samples, e.g. (N, C, H, W).
            Floating-point inputs keep their dtype; integer ones (raw uint8 pixels) become float32.
        y: targets, (N, ...). Integer labels become int64 (what cross_entropy expects);
            floating-point targets (regression) keep their dtype.
        batch_size: samples per batch, >= 1. The last batch may be smaller.
        shuffle: draw a new random order at the start of every epoch.
        seed: seed of the loader's own numpy Generator (`loader.generator`), so the sequence of
            epoch orders is the same on every run with the same seed. None: unpredictable.
        drop_last: skip the last batch if it has fewer than batch_size samples.

    Each `iter(loader)` (each `for` loop) draws its order from `loader.generator` immediately,
    so `state_dict()` taken between epochs and restored with `load_state_dict()` makes the next
    epochs come in exactly the order they would have had: an exact resume after a checkpoint.
    Batches are copies: changing one never changes the data set.
    """

    def __init__(self, x, y, batch_size, shuffle=False, seed=None, drop_last=False):
        x = _as_array("x", x)
        y = _as_array("y", y)
        if x.ndim == 0 or y.ndim == 0:
            raise ValueError(f"DataLoader: x and y need a first axis indexing the samples, "
                             f"got shapes {x.shape} and {y.shape}")
        if len(x) != len(y):
            raise ValueError(f"DataLoader: x and y must hold the same number of samples, "
                             f"got {len(x)} inputs (x.shape {x.shape}) and {len(y)} targets "
                             f"(y.shape {y.shape})")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise TypeError(f"DataLoader: batch_size must be an int, "
                            f"got {type(batch_size).__name__}")
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be >= 1, got {batch_size}")
        if not np.issubdtype(x.dtype, np.floating):
            if not (np.issubdtype(x.dtype, np.integer) or x.dtype == np.bool_):
                raise TypeError(f"DataLoader: x must hold numbers, got dtype {x.dtype}")
            x = x.astype(np.float32)
        if np.issubdtype(y.dtype, np.integer):
            y = y.astype(np.int64, copy=False)
        elif not np.issubdtype(y.dtype, np.floating):
            raise TypeError(f"DataLoader: y must hold integer labels or floating-point targets, "
                            f"got dtype {y.dtype}")
        self.x = x
        self.y = y
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.generator = np.random.default_rng(seed)

    @property
    def num_samples(self):
        return len(self.x)

    def __len__(self):
        """Number of batches in one epoch."""
        if self.drop_last:
            return self.num_samples // self.batch_size
        return math.ceil(self.num_samples / self.batch_size)

    def __iter__(self):
        if self.shuffle:
            order = self.generator.permutation(self.num_samples)
        else:
            order = np.arange(self.num_samples)
        return self._batches(order)

    def _batches(self, order):
        for b in range(len(self)):
            index = order[b * self.batch_size:(b + 1) * self.batch_size]
            # Fancy indexing copies, so the Tensors never share memory with the data set.
            yield from_numpy(self.x[index]), from_numpy(self.y[index])

    def state_dict(self):
        """{"generator": the numpy bit generator's state}: everything that decides future orders.

        Take it between epochs; its integers can exceed 64 bits, which minigrad.save stores safely.
        """
        return {"generator": copy.deepcopy(self.generator.bit_generator.state)}

    def load_state_dict(self, state_dict):
        """Restore a `state_dict()`, so the following epochs repeat the saved loader's orders."""
        state = state_dict.get("generator") if isinstance(state_dict, dict) else None
        if not isinstance(state, dict) or "bit_generator" not in state:
            raise ValueError("DataLoader.load_state_dict: expected {'generator': <numpy "
                             "bit_generator.state dict>}, as made by DataLoader.state_dict()")
        expected = type(self.generator.bit_generator).__name__
        if state["bit_generator"] != expected:
            raise ValueError(f"DataLoader.load_state_dict: the state is for a "
                             f"{state['bit_generator']} generator, this loader uses {expected}")
        self.generator.bit_generator.state = copy.deepcopy(state)

    def __repr__(self):
        return (f"DataLoader(num_samples={self.num_samples}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last}, batches={len(self)})")
