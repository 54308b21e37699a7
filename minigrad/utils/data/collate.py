"""default_collate and default_convert, as torch.utils.data: a list of samples -> a batch."""

import collections.abc
import copy

import numpy as np

from ...creation import from_numpy, stack, tensor
from ...tensor import Tensor

_STRINGS = (str, bytes)


def _unsupported(found):
    return TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, "
                     f"dicts or lists; found {found}")


def _same_type(elem, values):
    """`values` (a dict or a list) in the container type of `elem` where that type can be
    rebuilt (an OrderedDict stays one), else a plain dict or list."""
    try:
        clone = copy.copy(elem)
        if isinstance(values, dict):
            clone.update(values)
        else:
            clone[:] = values
        return clone
    except (TypeError, AttributeError):
        return values


def default_collate(batch):
    """Stack a list of samples into one batch, recursing as PyTorch's default_collate:

    - Tensors: stacked along a new first dimension (same dtype);
    - numpy arrays: stacked into a Tensor of their dtype; numpy scalars: a 1-D Tensor of it;
    - Python floats: a float64 Tensor; ints: int64; bools: bool;
    - str and bytes: the list as it is;
    - dicts: a dict of collated values, key by key;
    - tuples and lists: transposed and collated position by position, returned as a list
      (a namedtuple stays a namedtuple);
    anything else is a TypeError. Samples must have equal lengths and shapes.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch), 0)
    if isinstance(elem, (np.ndarray, np.generic)) and not isinstance(elem, (np.str_, np.bytes_)):
        if elem.dtype.kind not in "biuf":
            raise _unsupported(elem.dtype)
        if isinstance(elem, np.generic):
            return from_numpy(np.array(batch))
        return stack([from_numpy(np.asarray(sample)) for sample in batch], 0)
    if isinstance(elem, float):
        return tensor(batch, dtype=np.float64)
    if isinstance(elem, int):  # bool included: a batch of bools is a bool Tensor
        return tensor(batch)
    if isinstance(elem, _STRINGS):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
        return _same_type(elem, collated)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(default_collate(column) for column in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError(f"default_collate: each element in list of batch should be of "
                               f"equal size, got lengths {[len(sample) for sample in batch]}")
        columns = [default_collate(column) for column in zip(*batch)]
        return columns if isinstance(elem, tuple) else _same_type(elem, columns)
    raise _unsupported(type(elem))


def default_convert(data):
    """What a DataLoader with batch_size=None yields for one sample: numpy arrays and
    scalars (not of strings or objects) become Tensors, recursing into dicts, tuples and lists; the rest is
    left as it is."""
    if isinstance(data, (np.ndarray, np.generic)) and data.dtype.kind in "biuf":
        return from_numpy(np.asarray(data))
    if isinstance(data, (Tensor, np.ndarray, np.generic) + _STRINGS):
        return data
    if isinstance(data, collections.abc.Mapping):
        return _same_type(data, {key: default_convert(value) for key, value in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(value) for value in data))
    if isinstance(data, tuple):
        return [default_convert(value) for value in data]
    if isinstance(data, collections.abc.Sequence):
        return _same_type(data, [default_convert(value) for value in data])
    return data
