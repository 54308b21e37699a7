"""Constant padding (the op: ops/shape.py)."""

from ..ops import shape


def pad(x, pad_width, value=0.0):
    """Constant padding, numpy-style.

    Args:
        x: Tensor of any shape.
        pad_width: ((before, after), ...) per axis, an int, or one pair for all axes.
            (PyTorch's F.pad lists the last axis first; numpy's order is kept here.)
        value: the constant to pad with.

    Returns:
        Tensor with each axis longer by before + after. VJP: dL/dx = g with the padding cut
        away (op `Pad`).
    """
    return shape.Pad.apply(x, pad_width=pad_width, value=value)
