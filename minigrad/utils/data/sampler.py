"""Samplers, as torch.utils.data: the order in which a DataLoader visits the indices.

Each `iter(sampler)` draws its order at once (not at the first `next`), so a generator's
state taken between epochs decides the next epoch's order: what DataLoader.state_dict
relies on."""

import numpy as np

from ...generator import rng
from .dataset import check_generator


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


class Sampler:
    """`torch.utils.data.Sampler`: an iterable of indices (or of lists of indices)."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Sampler must define "
                                  f"__iter__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def order(self):
        return np.arange(len(self.data_source))

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation of the indices, a new one per `iter`; with replacement=True,
    `num_samples` indices drawn independently. Without replacement, num_samples larger than
    the data set chains whole permutations (and a part of one), as PyTorch does.
    generator: an mg.Generator, or None for the default one (mg.manual_seed)."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a boolean value, but got "
                            f"replacement={replacement!r}")
        check_generator("RandomSampler", generator)
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not _is_int(self.num_samples) or self.num_samples <= 0:
            raise ValueError(f"RandomSampler: num_samples should be a positive integer value, "
                             f"but got num_samples={self.num_samples!r}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def order(self):
        """This epoch's indices, as a numpy int64 array (drawn now)."""
        n, wanted, source = len(self.data_source), self.num_samples, rng(self.generator)
        if self.replacement:
            return source.integers(0, n, size=wanted, dtype=np.int64)
        parts = [source.permutation(n) for _ in range(wanted // n)]
        if wanted % n:
            parts.append(source.permutation(n)[:wanted % n])
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def __iter__(self):
        return iter(self.order().tolist())

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order, a new one per `iter`."""

    def __init__(self, indices, generator=None):
        check_generator("SubsetRandomSampler", generator)
        self.indices = indices
        self.generator = generator

    def order(self):
        return np.asarray(self.indices)[rng(self.generator).permutation(len(self.indices))]

    def __iter__(self):
        return iter(self.order().tolist())

    def __len__(self):
        return len(self.indices)


class BatchSampler(Sampler):
    """Lists of `batch_size` indices from `sampler`; the last list is shorter unless
    drop_last=True drops it."""

    def __init__(self, sampler, batch_size, drop_last):
        if not _is_int(batch_size) or batch_size <= 0:
            raise ValueError(f"BatchSampler: batch_size should be a positive integer value, "
                             f"but got batch_size={batch_size!r}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a boolean value, but got "
                             f"drop_last={drop_last!r}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def index_batches(self):
        """An iterator of this epoch's batches as numpy index arrays, the order drawn now.
        With one of the samplers above, the order is sliced and never becomes Python ints."""
        size = self.batch_size
        if isinstance(self.sampler, (SequentialSampler, RandomSampler, SubsetRandomSampler)):
            order = self.sampler.order()
            stop = len(order) - len(order) % size if self.drop_last else len(order)
            return (order[start:start + size] for start in range(0, stop, size))
        return (np.asarray(batch) for batch in self._lists(iter(self.sampler)))

    def _lists(self, indices):
        batch = []
        for index in indices:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __iter__(self):
        if isinstance(self.sampler, (SequentialSampler, RandomSampler, SubsetRandomSampler)):
            return (batch.tolist() for batch in self.index_batches())
        return self._lists(iter(self.sampler))

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return -(-len(self.sampler) // self.batch_size)
