"""Data sets and mini-batches.

    import minigrad as mg
    from minigrad.data import load_digits, DataLoader, TensorDataset
    split = load_digits(test_fraction=0.2, seed=0)        # bundled, no download
    loader = DataLoader(TensorDataset(split.x_train, split.y_train), batch_size=64,
                        shuffle=True, generator=mg.Generator().manual_seed(0))
    for x, y in loader:                                   # x (64, 1, 8, 8) float32, y (64,) int64
        ...

- digits.py: the bundled 8x8 digits (1,797 images), with a stratified, standardized split.
- DataLoader and TensorDataset are minigrad.utils.data's (PyTorch's signature), here too.
- mnist.py, cifar.py, cifar_python.py: readers for MNIST's IDX files and CIFAR-10's binary
  or python version, which the user downloads; all give NCHW float32 images in [0, 1] and
  int64 labels.
"""

from .cifar import load_cifar10
from .digits import Split, load_digits
from .mnist import load_mnist
from ..utils.data import DataLoader, TensorDataset

__all__ = ["load_digits", "Split", "DataLoader", "TensorDataset", "load_mnist", "load_cifar10"]
