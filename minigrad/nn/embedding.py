"""The embedding layer: a learned table of vectors, one per index."""

import numpy as np

from .. import functional as F
from ..functional.checks import array_of, positive_ints
from ..functional.embedding import padding_index
from . import init
from .module import Module, Parameter, factory_dtype


class Embedding(Module):
    """A table of num_embeddings vectors of size embedding_dim, looked up by index, as
    `torch.nn.Embedding`.

    Args:
        num_embeddings, embedding_dim: the table's shape.
        padding_idx: a row (negative counts from the end) initialized to zeros that receives
            no gradient, so it stays as it is; or None.
        max_norm, norm_type, scale_grad_by_freq, sparse: must keep their defaults.
        generator: numpy Generator for the initial weights; dtype: of the table.

    Shapes: integer indices (*) -> (*, embedding_dim).
    Parameters: weight (num_embeddings, embedding_dim), initialized N(0, 1) (PyTorch's).
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, *, generator=None,
                 device=None, dtype=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        positive_ints("Embedding", num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        if max_norm is not None or scale_grad_by_freq or sparse:
            raise NotImplementedError("Embedding: max_norm, scale_grad_by_freq and sparse are "
                                      "not supported in minigrad; leave them at their defaults")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_index("Embedding", padding_idx, num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        self.weight = init.normal_(Parameter(np.empty((num_embeddings, embedding_dim),
                                                      dtype=dtype)), generator=generator)
        if self.padding_idx is not None:
            self.weight._array[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        """An Embedding whose table is (a copy of) embeddings (num_embeddings, embedding_dim),
        frozen (no gradient) unless freeze=False, as `torch.nn.Embedding.from_pretrained`;
        the padding row keeps its values."""
        table = array_of(embeddings)
        if table.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D "
                             f"(num_embeddings, embedding_dim), got shape {table.shape}")
        layer = cls(*table.shape, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                    dtype=table.dtype)
        layer.weight = Parameter(table, requires_grad=not freeze)
        return layer

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text + ("" if self.norm_type == 2 else f", norm_type={self.norm_type}")
