"""The functional API (`import minigrad.functional as F`), as `torch.nn.functional`: every
public function of minigrad's ops lives here.

Each function checks its arguments (with the shared vocabulary of checks.py), then calls an
op in minigrad/ops/, or composes ops so that its gradient follows from theirs. Every function
takes and returns Tensors; shapes use PyTorch's NCHW layout. The gradient formula of each op
is derived in docs/derivations.md and stated in the op's docstring.

    Activations     relu, tanh, sigmoid, softmax, log_softmax,    activation.py
                    leaky_relu, gelu, silu, elu, softplus, hardtanh, relu6
    Linear          linear                                        linear.py
    Losses          mse_loss, l1_loss, smooth_l1_loss,            loss.py
                    binary_cross_entropy, binary_cross_entropy_with_logits
                    cross_entropy, nll_loss; one_hot              classification.py
    Similarity      normalize, cosine_similarity                  similarity.py
    Dropout         dropout                                       dropout.py
    Embedding       embedding                                     embedding.py
    Convolutions    conv2d, depthwise_conv2d, pointwise_conv2d,   conv.py
                    spatial_separable_conv2d, depthwise_separable_conv2d
                    conv1d (a conv2d of height 1)                 conv1d.py
                    conv_transpose2d                              conv_transpose.py
                    conv_cost: parameters and multiply-adds       (minigrad/conv_cost.py)
    Pooling         max_pool2d, avg_pool2d, global_avg_pool2d,    pooling.py
                    adaptive_avg_pool2d
    Normalization   batch_norm, layer_norm, group_norm            normalization.py
    Residual        skip_add, shortcut_projection,                residual.py
                    zero_pad_shortcut
    Shape           pad                                           shape.py
"""

from ..conv_cost import conv_cost
from .activation import (elu, gelu, hardtanh, leaky_relu, log_softmax, relu, relu6, sigmoid, silu,
                         softmax, softplus, tanh)
from .conv import (conv2d, depthwise_conv2d, depthwise_separable_conv2d, pointwise_conv2d,
                   spatial_separable_conv2d)
from .conv1d import conv1d
from .conv_transpose import conv_transpose2d
from .linear import linear
from .dropout import dropout
from .classification import cross_entropy, nll_loss, one_hot
from .embedding import embedding
from .loss import (binary_cross_entropy, binary_cross_entropy_with_logits, l1_loss, mse_loss,
                   smooth_l1_loss)
from .similarity import cosine_similarity, normalize
from .normalization import batch_norm, group_norm, layer_norm
from .pooling import adaptive_avg_pool2d, avg_pool2d, global_avg_pool2d, max_pool2d
from .residual import shortcut_projection, skip_add, zero_pad_shortcut
from .shape import pad

# The public API; also what `pydoc minigrad.functional` documents.
__all__ = [
    "relu", "tanh", "sigmoid", "softmax", "log_softmax", "linear", "cross_entropy", "mse_loss",
    "nll_loss", "l1_loss", "dropout",
    "pad", "conv2d", "depthwise_conv2d", "pointwise_conv2d", "spatial_separable_conv2d",
    "depthwise_separable_conv2d", "conv_cost", "max_pool2d", "avg_pool2d", "global_avg_pool2d",
    "batch_norm", "skip_add", "shortcut_projection", "zero_pad_shortcut",
    "leaky_relu", "gelu", "silu", "elu", "softplus", "hardtanh", "relu6",
    "smooth_l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "one_hot",
    "normalize", "cosine_similarity",
    "adaptive_avg_pool2d", "layer_norm", "group_norm", "embedding", "conv1d", "conv_transpose2d",
]
