"""Constant padding, as `torch.nn.functional.pad` (the op: ops/shape.py)."""

from ..ops import shape
from .checks import is_int, shape_of


def pad(input, pad, mode="constant", value=None):
    """Pad the last dims of `input`, as torch.nn.functional.pad.

    Args:
        input: Tensor of any shape.
        pad: a flat tuple of ints, the last dim first: (left, right) pads the last dim,
            (left, right, top, bottom) the last two, and so on, at most two per dim.
        mode: "constant" only. (PyTorch also has "reflect", "replicate" and "circular";
            minigrad raises a ValueError for them.)
        value: the constant (default 0).

    Returns:
        Tensor with each padded dim longer by before + after. VJP: dL/dx = g with the
        padding cut away (op `Pad`).
    """
    dims = len(shape_of(input))
    if not isinstance(pad, (tuple, list)) or not all(map(is_int, pad)):
        hint = ""
        if isinstance(pad, (tuple, list)) and all(isinstance(p, (tuple, list)) for p in pad):
            flat = tuple(n for pair in reversed(pad) for n in pair)
            hint = f" (numpy's per-axis pairs {tuple(map(tuple, pad))} are written {flat})"
        raise TypeError(f"pad: pad must be a flat tuple of ints, the last dim first, as "
                        f"PyTorch's F.pad{hint}, got {pad!r}")
    if len(pad) % 2 or len(pad) // 2 > dims:
        raise ValueError(f"pad: pad needs an even length of at most 2 per dim ({2 * dims} "
                         f"for this {dims}-D input), got {len(pad)}: {tuple(pad)}")
    if min(pad, default=0) < 0:
        raise ValueError(f"pad: negative padding (cropping) is not supported in minigrad; "
                         f"slice the tensor instead, got {tuple(pad)}")
    if mode != "constant":
        raise ValueError(f"pad: mode must be 'constant' (minigrad has no {mode!r} padding)")
    pairs = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(len(pad) // 2)]
    widths = [(0, 0)] * (dims - len(pairs)) + pairs[::-1]
    return shape.Pad.apply(input, pad_width=tuple(widths), value=0.0 if value is None else value)
