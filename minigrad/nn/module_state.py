"""A Module's tensors by their dotted paths ("0.weight", "bn.running_mean"), as PyTorch's:
`get_submodule` / `get_parameter` / `get_buffer` look one up, `state_dict()` names every
parameter and persistent buffer, and `load_state_dict()` copies such a dict back in place.
Mixed into `Module` (module.py).
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Mapping


from ..tensor import Tensor

#: What `load_state_dict` returns (as PyTorch): the keys it did not find, and the ones it ignored.
IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class ModuleState:
    """Lookup by path, state_dict and load_state_dict; the Module keeps `_parameters`, `_buffers`,
    `_non_persistent_buffers_set` and `_modules`."""

    def get_submodule(self, target):
        """The descendant at the dotted path `target` ("" is self), as PyTorch's."""
        module = self
        for item in target.split(".") if target else ():
            if not hasattr(module, item):
                raise AttributeError(f"{type(module).__name__} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, ModuleState):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def get_parameter(self, target):
        """The Parameter at the dotted path `target` ("0.weight"), as PyTorch's."""
        module, name = self._owner_of(target)
        if not isinstance(getattr(module, name), Tensor) or name not in module._parameters:
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return getattr(module, name)

    def get_buffer(self, target):
        """The buffer at the dotted path `target` ("bn.running_mean"), as PyTorch's."""
        module, name = self._owner_of(target)
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return getattr(module, name)

    def _owner_of(self, target):
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if not hasattr(module, name):
            raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
        return module, name

    def _state_tensors(self):
        """{dotted name: Tensor} for every parameter and persistent buffer: each module's own
        parameters, then its buffers, then its children's (PyTorch's order). A module or
        Parameter reached by two paths is listed under both names, as in PyTorch."""
        tensors = OrderedDict()
        for module_name, module in self.named_modules(remove_duplicate=False):
            named = list(module._parameters.items()) + [
                (name, value) for name, value in module._buffers.items()
                if name not in module._non_persistent_buffers_set]
            for name, value in named:
                if value is not None:
                    tensors[f"{module_name}.{name}" if module_name else name] = value
        return tensors

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An OrderedDict {prefix + dotted name: Tensor} of every parameter and persistent
        buffer. The tensors are detached and share memory with the module's own (save the
        dict, or copy it with .clone()); keep_vars=True gives the Parameters themselves.
        With `destination` (a dict), the entries are added to it and it is returned.
        As in PyTorch, the three may also be given by position (deprecated there)."""
        if len(args) > 3:
            raise TypeError(f"state_dict: takes at most 3 positional arguments (destination, "
                            f"prefix, keep_vars), got {len(args)}")
        given = dict(zip(("destination", "prefix", "keep_vars"), args))
        destination = given.get("destination", destination)
        prefix = given.get("prefix", prefix)
        keep_vars = given.get("keep_vars", keep_vars)
        if destination is None:
            destination = OrderedDict()
        for key, tensor in self._state_tensors().items():
            destination[prefix + key] = tensor if keep_vars else tensor.detach()
        return destination

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays from `state_dict` into this module's parameters and buffers, in place.

        The Parameter objects stay the same, so an optimizer holding them keeps working.
        Nothing is copied unless every check passes. Raises one RuntimeError listing every
        problem: with strict=True, missing and unexpected keys; always, values that are not
        Tensors and shape mismatches. Returns IncompatibleKeys(missing_keys, unexpected_keys).
        As in torch, a BatchNorm's `num_batches_tracked` that the dict lacks keeps its value
        and is not missing, unless the dict's `_metadata` (torch's) gives the module version
        2 or later: checkpoints from before the buffer existed lack it.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict: expected a dict (from state_dict()), got "
                            f"{type(state_dict).__name__}")
        not_str = [key for key in state_dict if not isinstance(key, str)]
        if not_str:
            raise TypeError(f"load_state_dict: the keys must be str (dotted names such as "
                            f"'0.weight'), got {type(not_str[0]).__name__} {not_str[0]!r}")
        own = self._state_tensors()
        metadata = getattr(state_dict, "_metadata", None) or {}
        missing = [key for key in own if key not in state_dict
                   and not _kept_when_missing(key, metadata)]
        unexpected = [key for key in state_dict if key not in own]
        problems = []
        if strict:
            problems += [f"missing key {key!r}" for key in missing]
            problems += [f"unexpected key {key!r}" for key in unexpected]
        for key, target in own.items():
            if key in state_dict and not isinstance(state_dict[key], Tensor):
                problems.append(f"while copying {key!r}: expected a Tensor, got "
                                f"{type(state_dict[key]).__name__} (write torch.tensor(value))")
            elif key in state_dict:
                shape = tuple(state_dict[key].shape)
                if shape != target.shape:
                    problems.append(f"shape mismatch for {key!r}: the module has "
                                    f"{tuple(target.shape)}, the state_dict has {shape}")
        if problems:
            raise RuntimeError(f"load_state_dict: cannot load into {type(self).__name__}:\n  "
                               + "\n  ".join(problems))
        for key, target in own.items():
            if key in state_dict:
                target._array[...] = state_dict[key]._array
        return IncompatibleKeys(missing, unexpected)


def _kept_when_missing(key, metadata):
    path, _, name = key.rpartition(".")
    return name == "num_batches_tracked" and ((metadata.get(path) or {}).get("version") or 0) < 2
