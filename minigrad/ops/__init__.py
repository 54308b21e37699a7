"""Every differentiable op, one `Function` subclass each, forward and backward side by side.

Read them in this order: arithmetic (with broadcasting), reduction, shape, elementwise,
activation, loss. The convolution family and residual ops build on these.
"""

from . import activation, arithmetic, elementwise, loss, reduction, shape  # noqa: F401
