"""The fully connected layer."""

import math

import numpy as np

from .. import functional as F
from ..functional.checks import positive_ints
from . import init
from .module import Module, Parameter, factory_dtype


class Linear(Module):
    """y = x @ weight^T + bias, as `torch.nn.Linear`.

    Args:
        in_features, out_features: sizes of the last axis of x and of y.
        bias: learn an additive bias (default True).
        generator: numpy Generator for the initial weights (default: the shared one that
            `mg.manual_seed` seeds).
        device, dtype: as torch's; dtype of the parameters (the default dtype, float32
            unless mg.set_default_dtype changed it).

    Shapes: x (..., in_features) -> y (..., out_features).
    Parameters: weight (out_features, in_features), bias (out_features,).

    Initialization (PyTorch's): weight from kaiming_uniform_(a=sqrt(5)), which is
    U(-1/sqrt(in_features), 1/sqrt(in_features)); bias from the same U(-1/sqrt(fan_in), ...).
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None, *,
                 generator=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        positive_ints("Linear", in_features=in_features, out_features=out_features)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        self.bias = Parameter(np.empty(out_features, dtype=dtype)) if bias else None
        reset_weight_and_bias(self.weight, self.bias, generator)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


def reset_weight_and_bias(weight, bias, generator=None):
    """PyTorch's default init for Linear and Conv layers: weight from
    kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)); bias (if any) from
    the same U(-1/sqrt(fan_in), 1/sqrt(fan_in)), with the weight's fan_in."""
    init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
    if bias is not None:
        fan_in, _ = init.calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        init.uniform_(bias, -bound, bound, generator=generator)
