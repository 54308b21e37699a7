"""The embedding lookup, as `torch.nn.functional.embedding` (the op: ops/embedding.py)."""

import numpy as np

from ..ops.embedding import Embedding
from .checks import array_of, is_int


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Look up rows of a table, as `torch.nn.functional.embedding`.

    Args:
        input: int64 or int32 Tensor or array of indices, any shape, each in
            [0, num_embeddings) (an IndexError otherwise, negative ones included, as PyTorch).
        weight: Tensor (num_embeddings, embedding_dim), floating point.
        padding_idx: a row (negative counts from the end) that receives no gradient, or None.
        max_norm, scale_grad_by_freq, sparse: must keep their defaults (None, False, False);
            norm_type is then unused.

    Returns:
        Tensor input.shape + (embedding_dim,), weight's dtype. VJP: see `Embedding`.
    """
    op = "embedding"
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(f"{op}: max_norm, scale_grad_by_freq and sparse are not "
                                  f"supported in minigrad; leave them at None, False, False")
    indices = array_of(input)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{op}: input must hold integer indices, got dtype {indices.dtype}")
    if indices.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{op}: indices must be int64 or int32, as PyTorch asks, got "
                           f"{indices.dtype} (convert with .long())")
    table = array_of(weight)
    if table.ndim != 2:
        raise ValueError(f"{op}: weight must be 2-D (num_embeddings, embedding_dim), got shape "
                         f"{table.shape}")
    if table.dtype.kind != "f":
        raise TypeError(f"{op}: weight must be floating point, got dtype {table.dtype}")
    rows = table.shape[0]
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        bad = indices.min() if indices.min() < 0 else indices.max()
        raise IndexError(f"{op}: index {bad} is out of range for a weight of "
                         f"num_embeddings = {rows} rows (indices must be in [0, {rows}))")
    padding_idx = padding_index(op, padding_idx, rows)
    return Embedding.apply(weight, indices=indices.astype(np.intp, copy=False),
                           padding_idx=padding_idx)


def padding_index(op, padding_idx, num_embeddings):
    """padding_idx in [-num_embeddings, num_embeddings) as a row in [0, num_embeddings), or
    None."""
    if padding_idx is None:
        return None
    if not is_int(padding_idx):
        raise TypeError(f"{op}: padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(f"{op}: padding_idx must be within num_embeddings = {num_embeddings}"
                         f" (in [{-num_embeddings}, {num_embeddings})), got {padding_idx}")
    return int(padding_idx) % num_embeddings
