"""Datasets, as torch.utils.data: Dataset, TensorDataset, Subset, ConcatDataset, random_split."""

import bisect
import math
import warnings

import numpy as np

from ...creation import from_numpy
from ...generator import check_generator, default_generator, rng
from ...tensor import Tensor


class SizeMismatchError(ValueError, AssertionError):
    """PyTorch raises AssertionError here; minigrad's rule is ValueError for a wrong value.
    Being both, it is caught by `except AssertionError` (code written for PyTorch) and by
    `except ValueError`."""


class Dataset:
    """`torch.utils.data.Dataset`: anything with `__getitem__(index)` and `__len__()`.

    Subclass it and define both; `a + b` is `ConcatDataset([a, b])`."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Dataset must define "
                                  f"__getitem__")

    def __add__(self, other):
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """`TensorDataset(*tensors)`: sample i is `(tensors[0][i], tensors[1][i], ...)`.

    Takes Tensors, or numpy arrays (a minigrad addition), which are wrapped without a copy;
    `.tensors` holds the Tensors. All must have the same first dimension."""

    def __init__(self, *tensors):
        wrapped = []
        for i, value in enumerate(tensors):
            if isinstance(value, np.ndarray):
                value = from_numpy(value)
            elif not isinstance(value, Tensor):
                raise TypeError(f"TensorDataset: argument {i} must be a Tensor or a numpy "
                                f"array, got {type(value).__name__}")
            if value.ndim == 0:
                raise ValueError(f"TensorDataset: argument {i} is 0-d; each tensor needs a "
                                 f"first dimension that indexes the samples")
            wrapped.append(value)
        sizes = [len(t) for t in wrapped]
        if len(set(sizes)) > 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in wrapped)
            raise SizeMismatchError(f"TensorDataset: every tensor must have the same first "
                                    f"dimension (size mismatch between tensors), got shapes "
                                    f"{shapes}")
        self.tensors = tuple(wrapped)

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return len(self.tensors[0]) if self.tensors else 0


class Subset(Dataset):
    """`Subset(dataset, indices)`: sample i is `dataset[indices[i]]`."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index):
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)


class ConcatDataset(Dataset):
    """`ConcatDataset(datasets)`: the datasets one after another; `cumulative_sizes[k]` is
    the number of samples in the first k + 1."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise SizeMismatchError("ConcatDataset: datasets should not be an empty iterable")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        if index < 0:
            if -index > len(self):
                raise ValueError(f"ConcatDataset: absolute value of index should not exceed "
                                 f"dataset length, got index {index} for length {len(self)}")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        if which == len(self.datasets):
            raise IndexError(f"ConcatDataset: index {index} is out of range for length "
                             f"{len(self)}")
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][index - start]


def _lengths_from_fractions(fractions, total):
    """Whole lengths for `fractions` of `total`: each floor(total * fraction), then the
    remainder handed out one by one from the first subset on (PyTorch's rule)."""
    for i, fraction in enumerate(fractions):
        if not 0 <= fraction <= 1:
            raise ValueError(f"random_split: fraction at index {i} is not between 0 and 1, "
                             f"got {fraction}")
    lengths = [int(math.floor(total * fraction)) for fraction in fractions]
    for i in range(total - sum(lengths)):
        lengths[i % len(lengths)] += 1
    for i, length in enumerate(lengths):
        if length == 0:
            warnings.warn(f"random_split: length of split at index {i} is 0; this might "
                          f"result in an empty dataset", stacklevel=3)
    return lengths


def random_split(dataset, lengths, generator=default_generator):
    """Split `dataset` into non-overlapping Subsets of the given lengths, in a random order.

    lengths: ints summing to len(dataset), or fractions summing to 1 (each subset gets
    floor(len * fraction) samples, and what is left over goes one each to the first
    subsets). generator: an mg.Generator; the split is reproducible for a seeded one, but
    not the same as PyTorch's for the same seed (docs/pytorch.md).
    """
    check_generator("random_split", generator)
    lengths = list(lengths)
    total = len(dataset)
    if not all(isinstance(n, (int, float, np.integer, np.floating)) and not isinstance(n, bool)
               for n in lengths):
        raise TypeError(f"random_split: lengths must be ints or fractions, got {lengths!r}")
    if lengths and math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        lengths = _lengths_from_fractions(lengths, total)
    if sum(lengths) != total:
        raise ValueError(f"random_split: sum of input lengths ({sum(lengths)}) does not equal "
                         f"the length of the input dataset ({total})")
    if not all(isinstance(n, (int, np.integer)) for n in lengths):
        raise TypeError(f"random_split: lengths must be ints (or fractions summing to 1), "
                        f"got {lengths!r}")
    lengths = [int(n) for n in lengths]
    if any(n < 0 for n in lengths):
        raise ValueError(f"random_split: lengths must not be negative, got {lengths}")
    order = rng(generator).permutation(total).tolist()
    ends = np.cumsum(lengths).tolist()
    return [Subset(dataset, order[end - n:end]) for end, n in zip(ends, lengths)]
