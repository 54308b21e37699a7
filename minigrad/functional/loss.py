"""Losses: cross-entropy (ops/loss.py) and mean squared error, a composition."""

import numpy as np

from ..ops import loss
from ..tensor import Tensor
from .checks import shape_of


def cross_entropy(logits, labels):
    """Mean cross-entropy between logits (N, C) and integer class labels (N,).

    L = -mean over n of log_softmax(logits)[n, labels[n]], computed stably (log-softmax, never
    log of softmax), so it stays finite at logits of +-1e4.

    Args:
        logits: Tensor (N, C), unnormalized scores.
        labels: integer array or Tensor (N,), each in [0, C).

    Returns:
        Scalar Tensor. VJP: dL/dlogits = g * (softmax(logits) - onehot(labels)) / N
        (op `CrossEntropy`).
    """
    labels = labels._array if isinstance(labels, Tensor) else np.asarray(labels)
    return loss.CrossEntropy.apply(logits, labels=labels)



def mse_loss(prediction, target):
    """Mean squared error, L = mean((prediction - target)^2).

    Args:
        prediction, target: Tensors (or arrays) of the same shape.

    Returns:
        Scalar Tensor. A composition of Sub, Mul and Mean, so
        dL/dprediction = 2 (prediction - target) / n for n elements.
    """
    if shape_of(prediction) != shape_of(target):
        raise ValueError(
            f"mse_loss: prediction {shape_of(prediction)} and target {shape_of(target)} must have "
            f"the same shape"
        )
    diff = prediction - target
    return (diff * diff).mean()
