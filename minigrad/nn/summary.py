"""A model summary in the manner of torchinfo and Keras: each layer's output shape, its
parameters and its multiply-adds, with totals.

    import minigrad as mg
    mg.summary(model, (1, 3, 32, 32))        # prints the table; returns a ModelSummary

It runs one forward pass on a random input of `input_size` (batch first), in eval mode and
without a graph, with a forward hook on every module; the model's mode, weights and
batch-norm statistics are left as they were.

Multiply-adds are those of the weights: a conv of any kind counts as minigrad.conv_cost
counts it (each weight used once per output pixel), a Linear as in_features x out_features
per row, all times the batch. Batch norm, activations, pooling and additions are not
multiply-adds of weights and count 0, as in the MobileNet paper's accounting.
"""

import numpy as np

from ..autograd import no_grad
from ..conv_cost import conv_cost
from ..creation import randn
from ..tensor import Tensor
from .conv import (Conv2d, DepthwiseConv2d, DepthwiseSeparableConv2d, PointwiseConv2d,
                   SpatialSeparableConv2d)
from .conv1d import Conv1d
from .conv_transpose import ConvTranspose2d
from .linear import Linear

# module class -> (conv_cost kind, its (c_in, c_out), extra keyword arguments)
_CONV_KINDS = {
    Conv2d: ("standard", lambda m: (m.in_channels, m.out_channels), lambda m: {"groups": m.groups}),
    DepthwiseConv2d: ("depthwise", lambda m: (m.channels, m.channels * m.channel_multiplier),
                      lambda m: {}),
    PointwiseConv2d: ("pointwise", lambda m: (m.in_channels, m.out_channels), lambda m: {}),
    DepthwiseSeparableConv2d: ("depthwise_separable", lambda m: (m.in_channels, m.out_channels),
                               lambda m: {}),
    SpatialSeparableConv2d: ("spatial_separable", lambda m: (m.in_channels, m.out_channels),
                             lambda m: {"c_mid": m.mid_channels}),
}


def mult_adds(module, inputs, output):
    """Multiply-adds of one call of a leaf module (0 for a module without weights)."""
    out_shape = output.shape
    kind = _CONV_KINDS.get(type(module))
    if kind is not None:
        name, channels, extra = kind
        per_image = conv_cost(name, *channels(module), getattr(module, "kernel_size", 1),
                              out_shape[-2], out_shape[-1], **extra(module)).mult_adds
        return per_image * int(np.prod(out_shape[:-3]))
    if isinstance(module, Linear):
        return module.in_features * module.out_features * int(np.prod(out_shape[:-1]))
    if isinstance(module, Conv1d):  # each weight once per output position
        return module.weight.numel() * int(np.prod(out_shape)) // module.out_channels
    if isinstance(module, ConvTranspose2d):  # each weight once per input pixel
        return module.weight.numel() * int(np.prod(inputs[0].shape)) // module.in_channels
    return 0


class ModelSummary:
    """The result of `summary`: `rows` (name, type, depth, output shape, parameters or None,
    multiply-adds), the totals, and the table as str()."""

    def __init__(self, rows, input_size, total_params, trainable_params, total_mult_adds):
        self.rows = rows
        self.input_size = tuple(input_size)
        self.total_params = total_params
        self.trainable_params = trainable_params
        self.total_mult_adds = total_mult_adds

    def __str__(self):
        header = ("Layer (type)", "Output Shape", "Param #", "Mult-Adds")
        cells = [header]
        for row in self.rows:
            params = "--" if row["params"] is None else f"{row['params']:,}"
            adds = "--" if row["params"] is None else f"{row['mult_adds']:,}"
            cells.append(("  " * row["depth"] + f"{row['type']} ({row['name'] or 'model'})",
                          str(list(row["output_shape"])) if row["output_shape"] else "--",
                          params, adds))
        widths = [max(len(line[i]) for line in cells) for i in range(4)]
        rule = "=" * (sum(widths) + 6)

        def line(values):
            return "  ".join([values[0].ljust(widths[0])]
                             + [v.rjust(w) for v, w in zip(values[1:], widths[1:])])

        return "\n".join([
            rule, line(header), rule, *(line(c) for c in cells[1:]), rule,
            f"Input size: {list(self.input_size)}",
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.total_params - self.trainable_params:,}",
            f"Total mult-adds: {self.total_mult_adds:,}",
            rule,
        ])

    __repr__ = __str__


def summary(model, input_size, *, dtype=None, depth=3, verbose=1):
    """Summarize `model` on an input of `input_size` (a tuple, batch first: (N, C, H, W)).

    Rows go `depth` levels below the model; a module at the last level shown, or without
    children, shows its parameters and multiply-adds with everything under it, one with
    children shown shows "--". `dtype` is the input's (default: the model's parameters').
    verbose=1 prints the table; 0 only returns it. Returns a ModelSummary.
    """
    if not (isinstance(input_size, (tuple, list)) and input_size
            and all(isinstance(s, (int, np.integer)) and s > 0 for s in input_size)):
        raise ValueError(f"summary: input_size must be a tuple of positive ints, batch "
                         f"first (N, C, H, W), got {input_size!r}")
    if not (isinstance(depth, int) and depth >= 0):
        raise ValueError(f"summary: depth must be a non-negative int, got {depth!r}")
    parameters = list(model.parameters())
    if dtype is None:
        dtype = parameters[0].dtype if parameters else None
    modules = list(model.named_modules())
    outputs, adds = {}, {name: 0 for name, _ in modules}

    def record(name):
        def hook(module, inputs, output):
            first = output[0] if isinstance(output, (tuple, list)) else output
            outputs[name] = tuple(first.shape) if isinstance(first, Tensor) else None
            if not list(module.children()):
                adds[name] += mult_adds(module, inputs, first)
        return hook

    handles = [module.register_forward_hook(record(name)) for name, module in modules]
    was_training = model.training
    try:
        model.eval()
        with no_grad():
            model(randn(*input_size, dtype=dtype, generator=np.random.default_rng(0)))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)

    rows = []
    for name, module in modules:
        level = 0 if not name else name.count(".") + 1
        if level > depth:
            continue
        expanded = level < depth and list(module.children())
        below = [n for n, _ in modules if n == name or n.startswith(name + ".") or not name]
        rows.append({"name": name, "type": type(module).__name__, "depth": level,
                     "output_shape": outputs.get(name),
                     "params": None if expanded else sum(p.numel() for p in module.parameters()),
                     "mult_adds": sum(adds[n] for n in below)})
    result = ModelSummary(rows, input_size, sum(p.numel() for p in parameters),
                          sum(p.numel() for p in parameters if p.requires_grad),
                          sum(adds.values()))
    if verbose:
        print(result)
    return result
