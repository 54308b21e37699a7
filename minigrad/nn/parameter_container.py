"""Containers of Parameters, as torch.nn's: ParameterList (registered as "0", "1", ...) and
ParameterDict (under their keys). A plain Tensor put in either becomes a Parameter."""

import operator
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from ..tensor import Tensor
from .container import _KeyedStore
from .module import Module, Parameter


def _as_parameter(container, value):
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"{container}: expected a Tensor or Parameter, got {type(value).__name__}")


def _describe(value):
    size = "x".join(str(n) for n in value.shape)
    return f"Parameter containing: [{value.dtype} of size {size}]"


class ParameterList(Module):
    """A list of Parameters, registered under "0", "1", ... (so `named_parameters()` gives
    "0", "1", ... and an optimizer sees them), as torch.nn.ParameterList."""

    def __init__(self, values=None):
        super().__init__()
        if values is not None:
            self.extend(values)

    def _key(self, index):
        index = operator.index(index)
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range")
        return str(index % n)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ParameterList([self[i] for i in range(len(self))[index]])
        return self._parameters[self._key(index)]

    def __setitem__(self, index, value):
        setattr(self, self._key(index), _as_parameter(type(self).__name__, value))

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(list(self._parameters.values()))

    def __iadd__(self, values):
        return self.extend(values)

    def append(self, value):
        """Add a Parameter (a Tensor is made one) at the end. Returns self."""
        setattr(self, str(len(self)), _as_parameter(type(self).__name__, value))
        return self

    def extend(self, values):
        """Append each of `values`. Returns self."""
        if not isinstance(values, Iterable) or isinstance(values, Tensor):
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got "
                            f"{type(values).__name__}")
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        return "\n".join(f"  ({name}): {_describe(p)}" for name, p in self._parameters.items())


class ParameterDict(_KeyedStore):
    """A dict of Parameters, registered under their keys (in insertion order), as
    torch.nn.ParameterDict: indexing, `in`, len, keys, values, items, update, pop, clear."""

    _store = "_parameters"

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        if key not in self._parameters:
            # PyTorch looks the key up as an attribute, so a missing one is an AttributeError
            raise AttributeError(f"ParameterDict has no key {key!r}")
        return self._parameters[key]

    def __setitem__(self, key, value):
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict: keys must be strings, got {type(key).__name__}")
        setattr(self, key, _as_parameter(type(self).__name__, value))

    def update(self, parameters):
        """Add (or replace) Parameters from a mapping or an iterable of (key, value). A plain
        dict's keys are added in sorted order, as PyTorch does (an OrderedDict's in its own)."""
        if isinstance(parameters, Mapping) and not isinstance(parameters, OrderedDict):
            parameters = sorted(parameters.items(), key=lambda pair: pair[0])
        super().update(parameters)

    def extra_repr(self):
        return "\n".join(f"  ({name}): {_describe(p)}" for name, p in self._parameters.items())
