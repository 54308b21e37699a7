"""The standard CIFAR augmentation and per-channel normalization (He et al. 2015, sec. 4.2),
in numpy, on NCHW batches.

- `random_crop_flip`: pad each image by 4 zero pixels on every side, take a random 32x32
  crop (a shift of up to 4 pixels each way), and flip half of the images left to right.
- `channel_stats` and `normalize`: subtract each channel's mean and divide by its std,
  both measured on the training set (never the test set) and applied to both.
"""

import numpy as np


def random_crop_flip(images, generator, padding=4):
    """A randomly shifted and flipped copy of `images` (N, C, H, W), same shape and dtype.

    Each image gets its own shift (dy, dx) in [-padding, padding], the pixels moved in from
    outside being zero, and is mirrored left-right with probability 1/2; `generator` is a
    numpy Generator, so a seeded one gives the same batch again.
    """
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"random_crop_flip: expected images of shape (N, C, H, W), "
                         f"got shape {images.shape}")
    if not (isinstance(padding, int) and 0 <= padding):
        raise ValueError(f"random_crop_flip: padding must be a non-negative int, got {padding!r}")
    n, _, h, w = images.shape
    padded = np.pad(images, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    top = generator.integers(0, 2 * padding + 1, size=n)
    left = generator.integers(0, 2 * padding + 1, size=n)
    flip = generator.random(n) < 0.5
    # One gather for the whole batch: row index top+i and column index left+j (or its mirror
    # left+w-1-j) for every image, instead of a Python loop over images.
    rows = top[:, None] + np.arange(h)                                  # (N, H)
    columns = left[:, None] + np.where(flip[:, None], np.arange(w)[::-1], np.arange(w))
    batch = np.arange(n)[:, None, None, None]
    channel = np.arange(images.shape[1])[None, :, None, None]
    return padded[batch, channel, rows[:, None, :, None], columns[:, None, None, :]]


def channel_stats(images):
    """(mean, std) of each channel of `images` (N, C, H, W): two float32 arrays (C,)."""
    images = np.asarray(images)
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(f"channel_stats: expected a non-empty batch (N, C, H, W), "
                         f"got shape {images.shape}")
    mean = images.mean(axis=(0, 2, 3), dtype=np.float64)
    std = images.std(axis=(0, 2, 3), dtype=np.float64)
    if not (std > 0).all():
        raise ValueError(f"channel_stats: channel {int(np.argmin(std))} is constant, so it "
                         f"cannot be normalized to unit std")
    return mean.astype(np.float32), std.astype(np.float32)


def normalize(images, mean, std):
    """(images - mean) / std per channel, in the images' dtype."""
    images = np.asarray(images)
    shape = (1, -1, 1, 1)
    mean = np.asarray(mean, dtype=images.dtype).reshape(shape)
    std = np.asarray(std, dtype=images.dtype).reshape(shape)
    return (images - mean) / std
