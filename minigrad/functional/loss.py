"""Losses, as torch.nn.functional's, each with `reduction=` ("mean", the default, "sum" or
"none", the per-sample losses): cross-entropy (its mean is an op of its own, ops/loss.py, for
stability and speed), negative log-likelihood, mean squared and mean absolute error."""

import numpy as np

from ..ops import loss
from ..ops.loss import check_labels
from ..tensor import Tensor
from .checks import shape_of

REDUCTIONS = ("mean", "sum", "none")


def _reduce(op, losses, reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    if reduction == "none":
        return losses
    return losses.mean() if reduction == "mean" else losses.sum()


def _labels(op, input, target, ignore_index=-100, weight=None, label_smoothing=0.0):
    if weight is not None or label_smoothing:
        raise NotImplementedError(f"{op}: class weights and label_smoothing are not in minigrad "
                                  f"yet (docs/pytorch.md)")
    labels = target._array if isinstance(target, Tensor) else np.asarray(target)
    if labels.size and np.issubdtype(labels.dtype, np.integer) and (
            labels == ignore_index).any():
        raise NotImplementedError(f"{op}: targets equal to ignore_index={ignore_index} are not "
                                  f"supported yet (docs/pytorch.md)")
    return check_labels(op, input._array if isinstance(input, Tensor) else np.asarray(input),
                        labels)


def cross_entropy(input, target, weight=None, *, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """Cross-entropy between logits (N, C) and integer class labels (N,), as
    torch.nn.functional.cross_entropy: L_n = -log_softmax(input)[n, target[n]].

    Computed stably (log-softmax, never log of softmax), so it stays finite at logits of
    +-1e4. reduction="mean" (the default) is the op `CrossEntropy`, VJP: dL/dlogits =
    g (softmax(logits) - onehot(labels)) / N; "sum" and "none" compose log_softmax and
    nll_loss, whose gradients follow.
    """
    labels = _labels("cross_entropy", input, target, ignore_index, weight, label_smoothing)
    if reduction == "mean":
        return loss.CrossEntropy.apply(input, labels=labels)
    return nll_loss(input.log_softmax(1), labels, reduction=reduction)


def nll_loss(input, target, weight=None, *, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of log-probabilities input (N, C) at integer labels (N,), as
    torch.nn.functional.nll_loss: L_n = -input[n, target[n]]. A composition of gather and
    neg: dL/dinput[n, c] = -g_n where c = target[n], else 0."""
    labels = _labels("nll_loss", input, target, ignore_index, weight)
    picked = input.gather(1, Tensor._plain(labels.astype(np.int64)[:, None])).squeeze(1)
    return _reduce("nll_loss", -picked, reduction)


def _same_shape(op, input, target):
    if shape_of(input) != shape_of(target):
        raise ValueError(f"{op}: input {shape_of(input)} and target {shape_of(target)} must "
                         f"have the same shape")


def mse_loss(input, target, reduction="mean"):
    """Mean squared error, L = mean((input - target)^2) (or its sum, or each term), as
    torch.nn.functional.mse_loss. A composition: dL/dinput = 2 (input - target) / n."""
    _same_shape("mse_loss", input, target)
    diff = input - target
    return _reduce("mse_loss", diff * diff, reduction)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error, L = mean(|input - target|), as torch.nn.functional.l1_loss.
    A composition: dL/dinput = sign(input - target) / n (0 where they are equal)."""
    _same_shape("l1_loss", input, target)
    return _reduce("l1_loss", (input - target).abs(), reduction)
