"""Modules that arrange other modules, as torch.nn's: Sequential, ModuleList, ModuleDict, and
the do-nothing Identity, Flatten and Unflatten. (ParameterList and ParameterDict are in
parameter_container.py.)"""

import math
import operator
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from ..functional.checks import is_int
from .module import Module


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: children named "0", "1", ... by position, and the
    list operations on them. Deleting or inserting renumbers the children, as in PyTorch."""

    def append(self, module):
        """Add `module` at the end. Returns self."""
        _check_module(self, module)
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Append each of `modules`. Returns self."""
        if not isinstance(modules, Iterable):
            raise TypeError(f"{type(self).__name__}.extend should be called with an iterable, "
                            f"but got {type(modules).__name__}")
        for module in modules:
            self.append(module)
        return self

    def insert(self, index, module):
        """Put `module` before position `index` (as list.insert) and renumber the children."""
        _check_module(self, module)
        modules = list(self._modules.values())
        n = len(modules)
        index = operator.index(index)
        if not -n <= index <= n:
            raise IndexError(f"Index out of range: {index}")
        modules.insert(index, module)
        self._renumber(modules)
        return self

    def pop(self, index):
        """Remove the child at `index` and return it (the others are renumbered)."""
        module = self[index]
        del self[index]
        return module

    def _key(self, index):
        """The child's name at an int position (negative counts from the end)."""
        index = operator.index(index)
        n = len(self._modules)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for {n} modules")
        return list(self._modules)[index % n]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._sliced(list(self._modules.items())[index])
        return self._modules[self._key(index)]

    def __setitem__(self, index, module):
        setattr(self, self._key(index), module)

    def __delitem__(self, index):
        if isinstance(index, slice):
            gone = list(self._modules)[index]
        else:
            gone = [self._key(index)]
        self._renumber([m for name, m in self._modules.items() if name not in gone])

    def _renumber(self, modules):
        self._modules.clear()
        for i, module in enumerate(modules):
            self._modules[str(i)] = module

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __add__(self, other):
        combined = type(self)()
        return combined.extend(list(self) + list(other))

    def __iadd__(self, modules):
        return self.extend(modules)


def _check_module(container, module):
    if not isinstance(module, Module):
        kind = type(module).__name__
        raise TypeError(f"{type(container).__name__}: expected a Module, got {kind} ({kind} is "
                        f"not a Module subclass)")


class Sequential(_ModuleSequence):
    """Run modules one after another: `Sequential(a, b, c)(x)` is `c(b(a(x)))`.

    The children are named "0", "1", ..., or by the keys of an OrderedDict given as the only
    argument (`Sequential(OrderedDict(conv=..., relu=...))`). Indexing gives a child
    (`seq[0]`) or, with a slice, a new Sequential of the same children under the same names.
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for module in args:
                self.append(module)

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input

    def _sliced(self, items):
        return Sequential(OrderedDict(items))


class ModuleList(_ModuleSequence):
    """A list of modules, registered as children "0", "1", ... (so their parameters are the
    list's), as torch.nn.ModuleList. It has no forward: index it, or loop over it. A slice is
    a new ModuleList, numbered from 0."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _sliced(self, items):
        return ModuleList([module for _, module in items])


class _KeyedStore(Module):
    """What ModuleDict and ParameterDict share: the dict methods over one of the Module's
    stores (`_store`: "_modules" or "_parameters"), in insertion order."""

    _store = "_modules"

    def _entries(self):
        return self.__dict__[self._store]

    def __delitem__(self, key):
        del self._entries()[key]

    def __len__(self):
        return len(self._entries())

    def __iter__(self):
        return iter(list(self._entries()))

    def __contains__(self, key):
        return key in self._entries()

    def clear(self):
        """Remove every entry."""
        self._entries().clear()

    def pop(self, key):
        """Remove the entry under `key` and return it."""
        value = self[key]
        del self[key]
        return value

    def keys(self):
        return self._entries().keys()

    def items(self):
        return self._entries().items()

    def values(self):
        return self._entries().values()

    def update(self, entries):
        """Add (or replace) entries from a mapping or from an iterable of (key, value)."""
        for key, value in _pairs(type(self).__name__, entries):
            self[key] = value


class ModuleDict(_KeyedStore):
    """A dict of modules, registered as children under their keys (in insertion order), as
    torch.nn.ModuleDict: `d["conv"]`, `d["conv"] = m`, `del d["conv"]`, `"conv" in d`, keys,
    values, items, update, pop, clear. It has no forward."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)


def _pairs(container, entries):
    """(key, value) from a mapping, or from an iterable of pairs, with torch's errors."""
    if not isinstance(entries, Iterable):
        raise TypeError(f"{container}.update should be called with an iterable of key/value "
                        f"pairs, but got {type(entries).__name__}")
    if isinstance(entries, Mapping) or callable(getattr(entries, "items", None)):
        return list(entries.items())
    pairs = []
    for j, pair in enumerate(entries):
        if not isinstance(pair, Iterable):
            raise TypeError(f"{container} update sequence element #{j} should be Iterable; "
                            f"is {type(pair).__name__}")
        pair = tuple(pair)
        if len(pair) != 2:
            raise ValueError(f"{container} update sequence element #{j} has length "
                             f"{len(pair)}; 2 is required")
        pairs.append(pair)
    return pairs


class Identity(Module):
    """y = x. A placeholder, e.g. the identity shortcut of a residual block. Like PyTorch's,
    it accepts and ignores any arguments."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Flatten(Module):
    """Merge axes start_dim..end_dim into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        shape, ndim = input.shape, input.ndim
        start, end = self.start_dim, self.end_dim
        if ndim and all(is_int(d) and -ndim <= d < ndim for d in (start, end)) and (
                start % ndim <= end % ndim):
            # The merged size written out: Tensor.flatten's -1 cannot be inferred from an
            # input of 0 elements (a batch of 0), which torch's Flatten takes.
            start, end = start % ndim, end % ndim
            return input.reshape(shape[:start] + (math.prod(shape[start:end + 1]),)
                                 + shape[end + 1:])
        return input.flatten(start, end)  # its errors, and a 0-d input

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis dim into unflattened_size, as `torch.nn.Unflatten`: Unflatten(1, (C, H, W))
    turns (N, C*H*W) into (N, C, H, W). One size may be -1, inferred from the rest."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not is_int(dim):
            raise TypeError(f"Unflatten: dim must be an int, got {dim!r}")
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                map(is_int, unflattened_size)):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple or list of ints, got "
                            f"{unflattened_size!r}")
        if not unflattened_size or list(unflattened_size).count(-1) > 1 or any(
                n < -1 for n in unflattened_size):
            raise ValueError(f"Unflatten: unflattened_size must be non-empty sizes >= 0 with at "
                             f"most one -1, got {unflattened_size!r}")
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input):
        dim = input._dim(self.dim)
        sizes, length = tuple(self.unflattened_size), input.shape[dim]
        known = math.prod(n for n in sizes if n != -1)
        if (length != known) if -1 not in sizes else (known == 0 or length % known):
            raise ValueError(f"Unflatten: sizes {sizes} do not multiply up to the size of dim "
                             f"{self.dim} ({length}) of the input of shape {input.shape}")
        return input.reshape(input.shape[:dim] + sizes + input.shape[dim + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
