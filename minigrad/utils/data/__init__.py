"""`minigrad.utils.data`, as `torch.utils.data`: datasets, samplers, DataLoader and collate.

    from minigrad.utils.data import DataLoader, TensorDataset, random_split
    train, val = random_split(TensorDataset(x, y), [0.8, 0.2],
                              generator=mg.Generator().manual_seed(0))
    for xb, yb in DataLoader(train, batch_size=64, shuffle=True):
        ...

- dataset.py: Dataset, TensorDataset, Subset, ConcatDataset, random_split.
- sampler.py: Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, BatchSampler.
- collate.py: default_collate (samples -> batch), default_convert (batch_size=None).
- dataloader.py: DataLoader, with a checkpointable order (state_dict) as minigrad's addition.
"""

from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler)

__all__ = ["Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split", "Sampler",
           "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "BatchSampler",
           "DataLoader", "default_collate", "default_convert"]
