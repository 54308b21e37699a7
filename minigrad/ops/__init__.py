"""Every differentiable op, one `Function` subclass each: its formula and VJP in the docstring,
forward and backward side by side, on numpy arrays (an op never sees a Tensor).

Read them in this order: arithmetic (with broadcasting), reduction, shape, elementwise,
activation, loss, similarity; then conv, pooling and normalization, whose array math is in
minigrad/kernels/ (reference.py first), and residual (the skip-add and its "+1").
"""

from . import activation, arithmetic, elementwise, loss, reduction, shape, similarity  # noqa: F401
