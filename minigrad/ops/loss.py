"""Losses that need their own op for numerical stability: the mean cross-entropy, smooth L1,
binary cross-entropy on probabilities and on logits. Each of the last three gives the loss of
every element; functional/loss.py applies weight and reduction."""

import numpy as np

from ..function import Function
from .activation import sigmoid_array, log_softmax_array
from .arithmetic import unbroadcast


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
        raise IndexError(
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


class SmoothL1(Function):
    """Of the difference d = input - target: y = d^2 / (2 beta) where |d| < beta, else
    |d| - beta / 2 (beta > 0; beta = 0 is the L1 loss, taken elsewhere).

    VJP: dL/dd = g * d / beta where |d| < beta, else g * sign(d).
    """

    @staticmethod
    def forward(ctx, d, beta=1.0):
        size = np.abs(d)
        quadratic = size < beta
        ctx.save_for_backward(d)
        ctx.quadratic, ctx.beta = quadratic, beta
        return np.where(quadratic, 0.5 * d * d / beta, size - 0.5 * beta).astype(d.dtype,
                                                                                copy=False)

    @staticmethod
    def backward(ctx, grad):
        (d,) = ctx.saved
        return (grad * np.where(ctx.quadratic, d / ctx.beta, np.sign(d)),)


LOG_FLOOR = -100.0  # PyTorch's: log(0) counts as -100, so a certain mistake costs 100, not inf
# PyTorch's floor for x (1 - x) in the backward: 1e-12 held as a float32 (9.99999996e-13)
PRODUCT_FLOOR = float(np.float32(1e-12))


class BinaryCrossEntropy(Function):
    """Of probabilities x in [0, 1] and targets y: l = -(y log x + (1 - y) log(1 - x)), each
    log floored at -100 (as PyTorch).

    VJP: dL/dx = g (x - y) / max(x (1 - x), 1e-12) (PyTorch's form, finite at x = 0 and 1);
    dL/dy = g (log(1 - x) - log x), with the logs not floored (as PyTorch: +-inf at x = 0
    and 1).
    """

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, x, y):
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), LOG_FLOOR)
            log_not_x = np.maximum(np.log1p(-x), LOG_FLOOR)
        ctx.save_for_backward(x, y)
        return -(y * log_x + (1 - y) * log_not_x)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved
        dx = grad * (x - y) / np.maximum(x * (1 - x), PRODUCT_FLOOR)
        with np.errstate(divide="ignore"):
            dy = grad * (np.log1p(-x) - np.log(x))
        return dx, dy


class BinaryCrossEntropyWithLogits(Function):
    """Of logits x, targets y and the weight p of the positive class (broadcast to x):
    l = -(p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))) = p y softplus(-x) + (1 - y)
    softplus(x), softplus(z) = log(1 + exp(z)) taken as logaddexp(0, z): finite for every x,
    and two terms of one sign, so nothing cancels (PyTorch's (1 - y) x + (1 + (p - 1) y)
    softplus(-x) loses the digits of a small loss at x << 0).

    VJP: dL/dx = g ((1 - y) sigmoid(x) - p y sigmoid(-x));
    dL/dy = g (p softplus(-x) - softplus(x)); dL/dp = g y softplus(-x), summed back to p's
    shape.
    """

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, x, y, pos_weight):
        below, above = np.logaddexp(0, -x), np.logaddexp(0, x)
        ctx.save_for_backward(x, y, pos_weight)
        ctx.below, ctx.above = below, above
        return pos_weight * y * below + (1 - y) * above

    @staticmethod
    def backward(ctx, grad):
        x, y, p = ctx.saved
        dx = grad * ((1 - y) * sigmoid_array(x) - p * y * sigmoid_array(-x))
        dy = grad * (p * ctx.below - ctx.above)
        return dx, dy, unbroadcast(grad * y * ctx.below, p.shape)
