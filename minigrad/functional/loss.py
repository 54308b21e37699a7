"""Losses between an input and a target of the same shape, as torch.nn.functional's, each
with `reduction=` ("mean", the default, "sum" or "none", the loss of every element): mean
squared and mean absolute error, smooth L1, and binary cross-entropy on probabilities and on
logits (those two and smooth L1 are ops of their own, ops/loss.py, for stability). The losses
over classes, cross_entropy and nll_loss, are in classification.py."""

import numpy as np

from ..autograd import is_grad_enabled
from ..ops import loss
from ..tensor import Tensor
from .checks import array_of, bounded_number, same_dtype, shape_of

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(op, reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(op, losses, reduction):
    check_reduction(op, reduction)
    if reduction == "none":
        return losses
    return losses.mean() if reduction == "mean" else losses.sum()


def _same_shape(op, input, target):
    if shape_of(input) != shape_of(target):
        raise ValueError(f"{op}: input {shape_of(input)} and target {shape_of(target)} must "
                         f"have the same shape")


def no_legacy_reduction(op, size_average, reduce):
    """PyTorch's deprecated size_average and reduce keep their places in the signatures (so
    the arguments after them line up), but minigrad does not take them."""
    if size_average is not None or reduce is not None:
        raise TypeError(f"{op}: size_average and reduce are deprecated in PyTorch; write "
                        f"reduction='mean'|'sum'|'none'")


def _elementwise_weighted(op, losses, input, weight, reduction):
    """PyTorch's weight= of mse_loss and l1_loss: the input's shape; the mean is the
    weighted sum over the sum of the weights."""
    check_reduction(op, reduction)
    if weight is None:
        return _reduce(op, losses, reduction)
    if shape_of(weight) != shape_of(input):
        raise ValueError(f"{op}: weight {shape_of(weight)} must have the input's shape "
                         f"{shape_of(input)}")
    losses = losses * weight
    if reduction == "none":
        return losses
    return losses.sum() / weight.sum() if reduction == "mean" else losses.sum()


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error, L = mean((input - target)^2) (or its sum, or each term), as
    torch.nn.functional.mse_loss; with weight w (the input's shape), each term times w and
    the mean sum(w (input - target)^2) / sum(w). A composition: dL/dinput = 2 (input -
    target) / n."""
    no_legacy_reduction("mse_loss", size_average, reduce)
    _same_shape("mse_loss", input, target)
    diff = input - target
    return _elementwise_weighted("mse_loss", diff * diff, input, weight, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error, L = mean(|input - target|), as torch.nn.functional.l1_loss;
    weight as in mse_loss. A composition: dL/dinput = sign(input - target) / n (0 where
    they are equal)."""
    no_legacy_reduction("l1_loss", size_average, reduce)
    _same_shape("l1_loss", input, target)
    return _elementwise_weighted("l1_loss", (input - target).abs(), input, weight, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """The Huber-like loss of torch.nn.functional.smooth_l1_loss: of d = input - target,
    d^2 / (2 beta) where |d| < beta, else |d| - beta / 2; beta = 0 is the L1 loss.
    VJP: dL/dd = g d / beta inside, g sign(d) outside (op `SmoothL1`)."""
    no_legacy_reduction("smooth_l1_loss", size_average, reduce)
    _same_shape("smooth_l1_loss", input, target)
    bounded_number("smooth_l1_loss", "beta", beta, low=0)
    check_reduction("smooth_l1_loss", reduction)
    diff = input - target
    losses = diff.abs() if beta == 0 else loss.SmoothL1.apply(diff, beta=beta)
    return _reduce("smooth_l1_loss", losses, reduction)


def refuse_grad(op, name, value):
    """PyTorch's losses are not differentiable in their weights: one that requires grad is
    an error, not a gradient silently dropped."""
    if isinstance(value, Tensor) and value.requires_grad and is_grad_enabled():
        raise RuntimeError(f"{op}: the loss is not differentiable in {name}, as in PyTorch; "
                           f"pass {name}.detach()")


def _constant_weight(op, name, weight, shape, hint=""):
    """A weight the loss is not differentiable in, broadcasting to the losses' shape."""
    refuse_grad(op, name, weight)
    if not _broadcasts_to(shape_of(weight), shape):
        raise ValueError(f"{op}: {name} {shape_of(weight)} must broadcast to the input's "
                         f"shape {tuple(shape)}{hint}")


def _broadcasts_to(shape, target):
    try:
        return np.broadcast_shapes(shape, tuple(target)) == tuple(target)
    except ValueError:
        return False


def _weighted(op, losses, weight, reduction):
    if weight is not None:
        _constant_weight(op, "weight", weight, losses.shape)
        losses = losses * weight
    return _reduce(op, losses, reduction)


def _binary_arguments(op, input, target, size_average, reduce, reduction):
    no_legacy_reduction(op, size_average, reduce)
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if shape_of(input) != shape_of(target):
        raise ValueError(f"{op}: target {shape_of(target)} must have the input's shape "
                         f"{shape_of(input)}, as PyTorch asks")
    for name, value in (("input", input), ("target", target)):
        if array_of(value).dtype.kind != "f":
            raise TypeError(f"{op}: {name} must be floating point, got dtype "
                            f"{array_of(value).dtype} (for 0/1 labels, pass target.float())")
    check_reduction(op, reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-w (y log x + (1 - y) log(1 - x)) of probabilities x = input in [0, 1] and targets y,
    each log floored at -100 (as torch.nn.functional.binary_cross_entropy), so that a
    confident mistake costs 100 rather than inf. weight broadcasts to the input's shape.
    VJP: dL/dx = g w (x - y) / max(x (1 - x), 1e-12) (op `BinaryCrossEntropy`)."""
    _binary_arguments("binary_cross_entropy", input, target, size_average, reduce, reduction)
    same_dtype("binary_cross_entropy", input, target=target)  # PyTorch promotes the rest
    x = input._array
    if x.size and not (x.min() >= 0 and x.max() <= 1):  # NaN fails too
        raise ValueError("binary_cross_entropy: every element of input must lie in [0, 1] "
                         "(probabilities); for logits use binary_cross_entropy_with_logits")
    losses = loss.BinaryCrossEntropy.apply(input, target)
    return _weighted("binary_cross_entropy", losses, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """Binary cross-entropy of sigmoid(input) and targets y, computed from the logits without
    ever taking the log of a rounded probability, as
    torch.nn.functional.binary_cross_entropy_with_logits:
    l = -w (p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))), where pos_weight p weighs the
    positive term (one per class, broadcast along the last axis) and weight w the whole.
    VJP: dL/dx = g w ((1 - y) sigmoid(x) - p y sigmoid(-x)) (op
    `BinaryCrossEntropyWithLogits`)."""
    op = "binary_cross_entropy_with_logits"
    _binary_arguments(op, input, target, size_average, reduce, reduction)
    if pos_weight is None:
        pos_weight = Tensor._plain(np.ones((), input.dtype))
    else:
        _constant_weight(op, "pos_weight", pos_weight, input.shape,
                         " (one weight per class: (C,))")
    losses = loss.BinaryCrossEntropyWithLogits.apply(input, target, pos_weight)
    return _weighted(op, losses, weight, reduction)
