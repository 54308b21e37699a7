"""Modules that arrange other modules: Sequential, ModuleList, and the do-nothing Identity,
Flatten and Unflatten."""

import math

from ..functional.checks import is_int
from .module import Module


class Sequential(Module):
    """Run modules one after another: `Sequential(a, b, c)(x)` is `c(b(a(x)))`.

    The children are named "0", "1", ..., so parameters are called "0.weight", "1.bias", ...
    Indexing gives a child (`seq[0]`) or, with a slice, a new Sequential of the same children.
    """

    def __init__(self, *modules):
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module):
        """Add `module` at the end. Returns self."""
        return _append_child(self, module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __getitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*modules[index])
        try:
            return modules[index]
        except IndexError:
            raise IndexError(f"Sequential: index {index} is out of range for "
                             f"{len(modules)} modules") from None

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class Identity(Module):
    """y = x. A placeholder, e.g. the identity shortcut of a residual block."""

    def forward(self, x):
        return x


class Flatten(Module):
    """Merge axes start_dim..end_dim into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        return x.flatten(self.start_dim, self.end_dim)

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


class ModuleList(Module):
    """A list of modules, registered as children "0", "1", ... (so their parameters are the
    list's), as torch.nn.ModuleList. It has no forward: index it, or loop over it."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def append(self, module):
        """Add `module` at the end. Returns self."""
        return _append_child(self, module)

    def extend(self, modules):
        """Append each of `modules`. Returns self."""
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index):
        children = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(children[index])
        return children[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


def _append_child(container, module):
    """Register `module` as the container's next child, named by its position."""
    if not isinstance(module, Module):
        raise TypeError(f"{type(container).__name__}: expected a Module, got "
                        f"{type(module).__name__}")
    setattr(container, str(len(container._modules)), module)
    return container
