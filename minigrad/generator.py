"""Random numbers, as PyTorch's: `Generator` (a seeded source, here a numpy Generator) and
the default one that `manual_seed` reseeds and that the random factories and in-place
initializers use when no `generator=` is given."""

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
        self.rng = np.random.default_rng(seed)
        return self


default_generator = Generator()


def manual_seed(seed):
    """Reseed the default generator; returns it, as torch.manual_seed."""
    return default_generator.manual_seed(seed)


def rng(generator=None):
    """The numpy Generator behind `generator` (an mg.Generator, a numpy Generator, or None
    for the default one)."""
    if generator is None:
        return default_generator.rng
    return generator.rng if isinstance(generator, Generator) else generator
