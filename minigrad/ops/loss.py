"""Losses that need their own op for numerical stability."""

import numpy as np

from ..function import Function
from .activation import log_softmax_array


def check_labels(op, logits, labels):
    if not isinstance(labels, np.ndarray):
        labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            f"{op}: labels must be integer class indices, got dtype {labels.dtype}"
        )
    if logits.ndim != 2 or labels.shape != logits.shape[:1]:
        raise ValueError(
            f"{op}: expected logits (N, C) and labels (N,), got logits {logits.shape} and "
            f"labels {labels.shape}"
        )
    num_classes = logits.shape[1]
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels[(labels < 0) | (labels >= num_classes)]
        raise ValueError(
            f"{op}: labels must lie in [0, {num_classes}) for {num_classes} classes, got "
            f"{bad[:5].tolist()}"
        )
    return labels


class CrossEntropy(Function):
    """L = mean over n of -log softmax(logits_n)[label_n].

    VJP: dL/dlogits = g * (softmax(logits) - onehot(labels)) / N. Going through log-softmax
    (never log(softmax)) keeps both finite at logits of +-1e4.
    """

    @staticmethod
    def forward(ctx, logits, labels):
        labels = check_labels("cross_entropy", logits, labels)
        n = logits.shape[0]
        if n == 0:
            raise ValueError("cross_entropy: the batch is empty")
        log_probs = log_softmax_array(logits, axis=1)
        ctx.save_for_backward(log_probs, labels)
        return np.asarray(-log_probs[np.arange(n), labels].mean(), dtype=logits.dtype)

    @staticmethod
    def backward(ctx, grad):
        log_probs, labels = ctx.saved
        n = log_probs.shape[0]
        dlogits = np.exp(log_probs)
        dlogits[np.arange(n), labels] -= 1
        return (dlogits * (grad / n),)
