"""Random numbers, as PyTorch's: `Generator` (a seeded source, here a numpy Generator) and
the default one that `manual_seed` reseeds and that the random factories and in-place
initializers use when no `generator=` is given. `get_state` / `set_state` (and
`get_rng_state` / `set_rng_state` for the default one) checkpoint a generator: the state is
a uint8 Tensor, as torch's ByteTensor, but its bytes are numpy's bit-generator state written
as JSON (lossless), not torch's, so a state moves only between minigrad generators."""

import json

import numpy as np


class Generator:
    """`torch.Generator`: a seeded source of random numbers, here a numpy Generator
    (`generator=` also takes a numpy Generator directly)."""

    def __init__(self, device="cpu"):
        if str(device) != "cpu":
            raise RuntimeError(f"Generator: minigrad runs on the CPU only, got device "
                               f"{device!r}")
        self.rng = np.random.default_rng()

    def manual_seed(self, seed):
        """Reseed from an int in [-2**63, 2**64), as torch: a negative seed counts modulo
        2**64 (-1 is 2**64 - 1). A numpy integer is taken as a Python one. Returns self."""
        if not (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
            raise RuntimeError(f"manual_seed: seed must be an int, got {type(seed).__name__} "
                               f"{seed!r}")
        if not -2 ** 63 <= seed < 2 ** 64:
            raise ValueError(f"manual_seed: seed must be in [-2**63, 2**64) (torch's 64 bits), "
                             f"got {seed}")
        self.rng = np.random.default_rng(int(seed) % 2 ** 64)
        return self

    def get_state(self):
        """The state as a uint8 Tensor (torch's ByteTensor): the bytes of numpy's
        `bit_generator.state` dict as JSON, lossless, so `set_state` restores the exact
        sequence of draws; it survives mg.save / mg.load. Unlike torch's, its bytes are not
        torch's generator state."""
        from .tensor import Tensor  # here, as tensor.py's modules import this one

        text = json.dumps(self.rng.bit_generator.state, default=lambda array: array.tolist())
        return Tensor._plain(np.frombuffer(text.encode(), dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state from `get_state` (a uint8 Tensor); the numpy Generator is kept
        and set in place where the bit generator is of the same kind. Returns self."""
        from .tensor import Tensor

        if not isinstance(new_state, Tensor) or new_state.dtype != np.uint8:
            raise TypeError(f"set_state: RNG state must be a uint8 Tensor (torch's ByteTensor) "
                            f"from get_state(), got {_described(new_state)}")
        try:
            state = json.loads(new_state._array.tobytes().decode())
            kind = getattr(np.random, state["bit_generator"])
            if not (isinstance(kind, type) and issubclass(kind, np.random.BitGenerator)):
                raise ValueError(kind)
            same_kind = isinstance(self.rng.bit_generator, kind)
            bit_generator = self.rng.bit_generator if same_kind else kind()
            bit_generator.state = state
        except (ValueError, KeyError, TypeError, AttributeError):
            raise RuntimeError("set_state: the Tensor is not a state that get_state() "
                               "made") from None
        if not same_kind:
            self.rng = np.random.Generator(bit_generator)
        return self


default_generator = Generator()


def manual_seed(seed):
    """Reseed the default generator; returns it, as torch.manual_seed, which takes what
    int() takes (1.5 is 1, '3' is 3) where Generator.manual_seed wants an int."""
    try:
        seed = int(seed)
    except (TypeError, ValueError) as error:
        raise type(error)(f"manual_seed: seed must be an int (or what int() takes), got "
                          f"{type(seed).__name__} {seed!r}") from None
    return default_generator.manual_seed(seed)


def get_rng_state():
    """The default generator's state, as torch.get_rng_state (see `Generator.get_state`)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state from `get_rng_state()`, as torch.set_rng_state."""
    default_generator.set_state(new_state)


def _described(value):
    dtype = getattr(value, "dtype", None)
    return type(value).__name__ + (f" of dtype {dtype}" if dtype is not None else "")


def check_generator(op, generator):
    """TypeError unless generator is None, an mg.Generator or a numpy Generator (minigrad's
    addition: torch takes only its own)."""
    if generator is not None and not isinstance(generator, (Generator, np.random.Generator)):
        raise TypeError(f"{op}: generator must be an mg.Generator (or a numpy Generator), "
                        f"got {type(generator).__name__}")


def rng(generator=None, op="generator"):
    """The numpy Generator behind `generator` (an mg.Generator, a numpy Generator, or None
    for the default one); TypeError, naming `op`, for anything else."""
    check_generator(op, generator)
    if generator is None:
        return default_generator.rng
    return generator.rng if isinstance(generator, Generator) else generator
