"""DataLoader, as torch.utils.data.DataLoader: batches from a dataset, in the order of a
sampler, collated by collate_fn; plus minigrad's checkpointable order (state_dict)."""

import copy

import numpy as np

from ...creation import from_numpy
from ...generator import rng
from ...tensor import Tensor
from .collate import default_collate, default_convert
from .dataset import TensorDataset, check_generator
from .sampler import BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler

# PyTorch refuses to change these once the loader is built: the sampler depends on them.
_FIXED_AFTER_INIT = ("dataset", "batch_size", "batch_sampler", "sampler", "drop_last",
                     "persistent_workers")


class OldDataLoaderCallError(TypeError, ValueError):
    """The old `minigrad.data.DataLoader(x, y, batch_size, seed=)`. A TypeError (wrong kind of
    argument) that is also the ValueError PyTorch raises for a batch_size that is an array."""


def _refuse_old_call(args, kwargs):
    if len(args) > 1 and isinstance(args[1], (np.ndarray, Tensor)):
        raise OldDataLoaderCallError(
            f"DataLoader: the second argument is batch_size, got an array of shape "
            f"{tuple(args[1].shape)}. DataLoader takes a dataset, as PyTorch's: write "
            f"DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True, "
            f"generator=mg.Generator().manual_seed(0)) instead of DataLoader(x, y, 64, ...)")
    if "seed" in kwargs:
        raise TypeError(f"DataLoader: there is no seed= argument (as in PyTorch); write "
                        f"generator=mg.Generator().manual_seed({kwargs['seed']!r})")


class DataLoader:
    """Iterate over batches of `dataset`, one epoch per `for` loop, as PyTorch's DataLoader.

        train = TensorDataset(split.x_train, split.y_train)
        loader = DataLoader(train, batch_size=64, shuffle=True,
                            generator=mg.Generator().manual_seed(0))
        for x, y in loader:            # a new order every epoch
            ...

    Arguments as PyTorch's: `sampler` (an iterable of indices) or `shuffle` (a RandomSampler
    drawing from `generator`, an mg.Generator; None: the default generator) gives the
    order; `batch_size` and `drop_last` group it into a BatchSampler, or `batch_sampler`
    gives the groups itself; `collate_fn` (default_collate) turns a list of samples into a
    batch. batch_size=None yields single samples through default_convert.
    Differences (docs/pytorch.md): with num_workers > 0 the batches are still made in this
    process (the same batches, in the same order); pin_memory is ignored, as by PyTorch without an accelerator; a shuffled order
    is reproducible for a seed but not PyTorch's order.

    Fast path: for a TensorDataset (the class itself, not a subclass) with the default
    collate_fn and automatic batching, whose tensors do not require grad, each batch is one
    fancy-indexing copy per tensor, `x[indices]`, instead of len(batch) `__getitem__` calls
    and a stack. The batch is the same: a list of Tensors, copies of the data.

    minigrad's addition: `state_dict()` / `load_state_dict()` save and restore the state of
    the generator that decides the order. Each `iter(loader)` draws its order at once, so a
    state taken between epochs makes the following epochs repeat exactly (a resume).
    """

    def __new__(cls, *args, **kwargs):
        # Here, not in __init__: the old call DataLoader(x, y, batch_size=64) would
        # otherwise fail before __init__ runs, with Python's "multiple values" error.
        _refuse_old_call(args, kwargs)
        return super().__new__(cls)

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        _check_workers(num_workers, timeout, prefetch_factor, persistent_workers,
                       multiprocessing_context)
        check_generator("DataLoader", generator)
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None:
            if drop_last:
                raise ValueError("DataLoader: batch_size=None option disables auto-batching "
                                 "and is mutually exclusive with drop_last")
        elif (not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool)
              or batch_size <= 0):
            raise ValueError(f"DataLoader: batch_size should be a positive integer value, but "
                             f"got batch_size={batch_size!r}")
        if sampler is None:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.collate_fn = collate_fn
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._initialized = True

    def __setattr__(self, name, value):
        if name in _FIXED_AFTER_INIT and getattr(self, "_initialized", False):
            raise ValueError(f"DataLoader: {name} attribute should not be set after "
                             f"DataLoader is initialized; make a new DataLoader")
        super().__setattr__(name, value)

    def __len__(self):
        """Batches per epoch (samples, with batch_size=None)."""
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self):
        # Every branch calls iter() on the sampler now, so the order is drawn now.
        if self.batch_sampler is None:
            return (self.collate_fn(self.dataset[i]) for i in self.sampler)
        arrays = self._fast_path_arrays()
        if arrays is None:
            return (self.collate_fn([self.dataset[i] for i in batch])
                    for batch in self.batch_sampler)
        if isinstance(self.batch_sampler, BatchSampler):
            batches = self.batch_sampler.index_batches()
        else:
            batches = (np.asarray(batch) for batch in self.batch_sampler)
        return _indexed_batches(arrays, batches)

    def _fast_path_arrays(self):
        """The TensorDataset's arrays when the fast path gives the same batches, else None."""
        if type(self.dataset) is not TensorDataset or self.collate_fn is not default_collate:
            return None
        if any(t.requires_grad for t in self.dataset.tensors):
            return None  # stacking per-sample tensors would record a graph; keep it
        return [t._array for t in self.dataset.tensors]

    # ----- minigrad's addition: a checkpointable order ---------------------------------------

    def _order_generator(self):
        """The generator that decides the order, or None if the order is not random."""
        sampler = getattr(self.batch_sampler, "sampler", self.sampler)
        if not isinstance(sampler, (RandomSampler, SubsetRandomSampler)):
            return self.generator  # a custom sampler may draw from it
        # The sampler's own generator decides, even if the loader was given another one.
        generator = sampler.generator
        if generator is None:
            raise ValueError("DataLoader.state_dict: the order is drawn from the default "
                             "generator, which the loader does not own; build the loader "
                             "with generator=mg.Generator().manual_seed(seed) to checkpoint "
                             "its order")
        return generator

    def state_dict(self):
        """{"generator": the numpy bit generator state of the generator that decides the
        order (None for an order that is not random)}. Take it between epochs; minigrad.save
        stores its 128-bit integers exactly."""
        generator = self._order_generator()
        state = None if generator is None else copy.deepcopy(rng(generator).bit_generator.state)
        return {"generator": state}

    def load_state_dict(self, state_dict):
        """Restore a `state_dict()`, so the following epochs repeat the saved loader's orders."""
        state = state_dict.get("generator", ()) if isinstance(state_dict, dict) else ()
        generator = self._order_generator()
        if state is None and generator is None:
            return
        if generator is None:
            raise ValueError("DataLoader.load_state_dict: the state holds a generator, but "
                             "this loader's order is not random (shuffle=False)")
        if not isinstance(state, dict) or "bit_generator" not in state:
            raise ValueError("DataLoader.load_state_dict: expected {'generator': <numpy "
                             "bit_generator.state dict>}, as made by DataLoader.state_dict()")
        bit_generator = rng(generator).bit_generator
        expected = type(bit_generator).__name__
        if state["bit_generator"] != expected:
            raise ValueError(f"DataLoader.load_state_dict: the state is for a "
                             f"{state['bit_generator']} generator, this loader uses {expected}")
        bit_generator.state = copy.deepcopy(state)

    def __repr__(self):
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, "
                f"batch_size={self.batch_size}, sampler={type(self.sampler).__name__}, "
                f"drop_last={self.drop_last}, batches={len(self)})")


def _check_workers(num_workers, timeout, prefetch_factor, persistent_workers,
                   multiprocessing_context):
    """PyTorch's checks of the worker options. Workers themselves are not started: with
    num_workers > 0, PyTorch's workers hand back the batches the main process would have
    made, in the same order, so minigrad makes them in the main process (and never calls
    worker_init_fn). Scripts that ask for workers run unchanged, with the same batches."""
    if not isinstance(num_workers, (int, np.integer)) or num_workers < 0:
        raise ValueError(f"DataLoader: num_workers option should be non-negative; use "
                         f"num_workers=0 to disable multiprocessing, got {num_workers!r}")
    if timeout < 0:
        raise ValueError(f"DataLoader: timeout option should be non-negative, got {timeout!r}")
    if num_workers > 0:
        return
    if prefetch_factor is not None:
        raise ValueError("DataLoader: prefetch_factor option could only be specified in "
                         "multiprocessing; let num_workers > 0 to enable multiprocessing, "
                         "otherwise set prefetch_factor to None")
    if persistent_workers:
        raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")
    if multiprocessing_context is not None:
        raise ValueError("DataLoader: multiprocessing_context can only be used with "
                         "multi-process loading (num_workers > 0)")


def _indexed_batches(arrays, batches):
    """The fast path: a batch is [from_numpy(array[indices]) for each array]."""
    for index in batches:
        if index.size and index.dtype.kind not in "iu":
            raise TypeError(f"DataLoader: the sampler must give integer indices into the "
                            f"TensorDataset, got {index.dtype} ({index[:3].tolist()}...)")
        index = index.astype(np.intp, copy=False)
        # Fancy indexing copies, so a batch never shares memory with the data set.
        yield [from_numpy(array[index]) for array in arrays]
