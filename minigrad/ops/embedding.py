"""The embedding lookup: row i of a weight table for each index i."""

import numpy as np

from ..function import Function


class Embedding(Function):
    """y[..., :] = weight[indices[...], :]: one row of the (num_embeddings, embedding_dim)
    table per index; the indices are a constant integer array.

    VJP: dL/dweight[r] = sum of g[...] over the positions whose index is r (zero for rows
    never looked up); the padding_idx row, if any, gets no gradient, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, weight, *, indices, padding_idx):
        ctx.indices, ctx.padding_idx, ctx.table_shape = indices, padding_idx, weight.shape
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        grad_weight = np.zeros(ctx.table_shape, dtype=grad.dtype)
        # Repeated indices must add up, which fancy-index assignment would not do.
        np.add.at(grad_weight, ctx.indices.reshape(-1), grad.reshape(-1, ctx.table_shape[1]))
        if ctx.padding_idx is not None:
            grad_weight[ctx.padding_idx] = 0
        return (grad_weight,)
