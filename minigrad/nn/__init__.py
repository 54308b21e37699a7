"""Layers and models, as `torch.nn`: a `Module` holds `Parameter`s and child modules, and
calling it runs its `forward`.

Read module.py first (Module, Parameter), then container.py, linear.py, activation.py,
conv.py, conv1d.py, conv_transpose.py, pooling.py, normalization.py, residual.py,
embedding.py; init.py has the weight initializers.
"""

import sys

from .. import functional
from . import init
from .activation import (ELU, GELU, Dropout, Hardtanh, LeakyReLU, LogSoftmax, ReLU, ReLU6, SiLU,
                         Sigmoid, Softmax, Softplus, Tanh)
from .container import Flatten, Identity, ModuleDict, ModuleList, Sequential, Unflatten
from .conv1d import Conv1d
from .conv_transpose import ConvTranspose2d
from .conv import (Conv2d, DepthwiseConv2d, DepthwiseSeparableConv2d, PointwiseConv2d,
                   SpatialSeparableConv2d)
from .embedding import Embedding
from .linear import Linear
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss)
from .module import Module, Parameter, RemovableHandle
from .normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from .pooling import AdaptiveAvgPool2d, AvgPool2d, GlobalAvgPool2d, MaxPool2d
from .residual import ProjectionShortcut, ResidualBlock, ZeroPadShortcut
from .parameter_container import ParameterDict, ParameterList

__all__ = [
    "Module", "Parameter", "RemovableHandle", "Sequential", "Identity", "Flatten", "Linear",
    "Conv2d", "DepthwiseConv2d", "PointwiseConv2d", "SpatialSeparableConv2d",
    "DepthwiseSeparableConv2d", "BatchNorm1d", "BatchNorm2d", "ReLU", "Tanh", "Sigmoid",
    "MaxPool2d", "AvgPool2d", "GlobalAvgPool2d", "ResidualBlock", "ZeroPadShortcut",
    "ProjectionShortcut", "init", "functional", "Dropout", "ModuleList", "CrossEntropyLoss",
    "NLLLoss", "MSELoss", "L1Loss",
    "LeakyReLU", "GELU", "SiLU", "ELU", "Softplus", "Hardtanh", "ReLU6", "Softmax", "LogSoftmax",
    "SmoothL1Loss", "BCELoss", "BCEWithLogitsLoss",
    "ModuleDict", "ParameterList", "ParameterDict",
    "AdaptiveAvgPool2d", "LayerNorm", "GroupNorm", "Embedding", "Conv1d", "Unflatten",
    "ConvTranspose2d",
]

# `import minigrad.nn.functional as F`, as in PyTorch, is the very module minigrad.functional.
sys.modules[__name__ + ".functional"] = functional
