"""The losses over classes, as torch.nn.functional's cross_entropy and nll_loss, and one_hot.

Input (N, C) or (N, C, d1, d2, ...) (or (C,) for one sample), class axis 1; a target of class
indices (N, d1, ...) of integers, or, for cross_entropy only, class probabilities of the
input's shape. With class weights w, ignore_index and label smoothing e over C classes, the
loss of a position with class y is

    l = -(1 - e) w_y log p_y - (e / C) sum_c w_c log p_c     (0 where y = ignore_index)

and reduction="mean" divides the sum by the sum of w_y over the positions not ignored, as
PyTorch does (NaN when every position is ignored). Both are compositions of log_softmax,
gather and sums, whose gradients follow; the plain mean cross-entropy of (N, C) logits is the
op `CrossEntropy` (ops/loss.py), its backward one subtraction."""

import numpy as np

from ..ops import loss
from ..ops.elementwise import Where
from ..tensor import Tensor
from .activation import _floating
from .checks import array_of, bounded_number, is_int, same_dtype
from .loss import check_reduction, no_legacy_reduction, refuse_grad


def _input(op, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim == 0:
        raise ValueError(f"{op}: input must be (N, C), (N, C, d1, ...) or (C,), got a 0-d "
                         f"tensor")
    _floating(op, input)
    return input.shape[1] if input.ndim > 1 else input.shape[0]


def _weight(op, input, weight, num_classes, differentiable=False):
    """The class weights as an array, or as given where the loss is differentiable in them
    (PyTorch's loss of class probabilities is; that of class indices is not)."""
    if weight is None:
        return None
    if not differentiable:
        refuse_grad(op, "weight", weight)
    same_dtype(op, input, weight=weight)
    array = array_of(weight)
    if array.shape != (num_classes,):
        raise ValueError(f"{op}: weight must hold one value per class, shape ({num_classes},),"
                         f" got {array.shape}")
    return weight if differentiable else array


def _class_indices(op, input, target, ignore_index, num_classes):
    """(labels, keep): int64 labels of the batched shape (N, d1, ...), 0 where ignored, and
    where they are not."""
    labels = array_of(target)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{op}: target must hold integer class indices (or, for "
                        f"cross_entropy, class probabilities of the input's shape "
                        f"{tuple(input.shape)}), got dtype {labels.dtype} and shape {labels.shape}")
    if labels.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"{op}: class indices must be int64 (or uint8), as PyTorch asks, "
                           f"got {labels.dtype} (convert with .long())")
    expected = input.shape[:1] + input.shape[2:] if input.ndim > 1 else ()
    if labels.shape != expected:
        raise ValueError(f"{op}: input {tuple(input.shape)} needs a target of shape {expected} (one "
                         f"class index per sample and position), got {labels.shape}")
    labels = labels.reshape((1,) + labels.shape if input.ndim == 1 else labels.shape)
    keep = labels != ignore_index
    bad = keep & ((labels < 0) | (labels >= num_classes))
    if bad.any():
        raise IndexError(f"{op}: target {labels[bad][0]} is out of bounds: class indices must "
                         f"lie in [0, {num_classes}) for {num_classes} classes, or equal "
                         f"ignore_index={ignore_index}")
    return np.where(keep, labels, 0).astype(np.int64), keep


def _indexed_loss(log_probs, labels, keep, weight, smoothing, reduction):
    """The loss of log-probabilities (N, C, ...) at class indices; see the module docstring."""
    num_classes = log_probs.shape[1]
    dtype = log_probs.dtype
    weight_at = (keep if weight is None else weight[labels] * keep).astype(dtype)
    picked = log_probs.gather(1, Tensor._plain(labels[:, None])).squeeze(1)
    if not keep.all():  # an ignored position picks class 0, which may be -inf: keep it out
        picked = Where.apply(picked, np.zeros((), dtype), condition=keep)
    losses = -(picked * weight_at)
    if smoothing:
        weighted = log_probs if weight is None else log_probs * weight.astype(dtype).reshape(
            (num_classes,) + (1,) * (log_probs.ndim - 2))
        spread = -weighted.sum(1)
        if not keep.all():  # a select: times 0 would keep an ignored inf (and NaN gradients)
            spread = Where.apply(spread, np.zeros((), dtype), condition=keep)
        losses = losses * (1 - smoothing) + spread * (smoothing / num_classes)
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "sum":
        return total
    denominator = weight_at.sum()
    return total * (1 / denominator if denominator else np.nan)


def _probability_loss(op, input, target, weight, smoothing, reduction):
    """-sum_c w_c q_c log p_c of class probabilities q (smoothed to (1 - e) q + e / C); the
    mean divides by the number of positions, N d1 d2 ..."""
    if array_of(target).dtype.kind != "f":
        raise TypeError(f"{op}: class probabilities must be floating point, got "
                        f"{array_of(target).dtype}")
    axis = 1 if input.ndim > 1 else 0
    num_classes = input.shape[axis]
    if smoothing:
        target = target * (1 - smoothing) + smoothing / num_classes
    terms = input.log_softmax(axis) * target
    if weight is not None:
        terms = terms * weight.reshape((num_classes,) + (1,) * (input.ndim - axis - 1))
    losses = -terms.sum(axis)
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "sum":
        return total
    positions = input.numel() // num_classes if num_classes else 0
    return total * (1 / positions if positions else np.nan)


def _batched(input):
    return input.unsqueeze(0) if input.ndim == 1 else input


def _unbatched(losses, input, reduction):
    return losses.squeeze(0) if input.ndim == 1 and reduction == "none" else losses


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits and class targets, as torch.nn.functional.cross_entropy:
    l = -log softmax(input)[target] at each position, with class weights, ignore_index and
    label smoothing as in the module docstring; target may instead hold class probabilities
    (the input's shape, floating point), l = -sum_c w_c q_c log softmax(input)_c.

    Computed stably (log-softmax, never log of softmax): finite at logits of +-1e4. The mean
    of (N, C) logits at class indices, with no weight, smoothing or ignored target, is the op
    `CrossEntropy`, VJP: dL/dlogits = g (softmax(logits) - onehot(labels)) / N.
    """
    op = "cross_entropy"
    no_legacy_reduction(op, size_average, reduce)
    num_classes = _input(op, input)
    check_reduction(op, reduction)
    bounded_number(op, "label_smoothing", label_smoothing, low=0, high=1)
    probabilities = array_of(target).dtype.kind == "f" and array_of(target).shape == input.shape
    weight = _weight(op, input, weight, num_classes, differentiable=probabilities)
    if probabilities:
        if ignore_index >= 0:
            raise ValueError(f"{op}: ignore_index is for class indices; a target of class "
                             f"probabilities cannot have it (got ignore_index={ignore_index})")
        return _probability_loss(op, input, target, weight, label_smoothing, reduction)
    labels, keep = _class_indices(op, input, target, ignore_index, num_classes)
    if (reduction == "mean" and weight is None and not label_smoothing and input.ndim == 2
            and labels.size and keep.all()):
        return loss.CrossEntropy.apply(input, labels=labels)
    log_probs = _batched(input).log_softmax(1)
    losses = _indexed_loss(log_probs, labels, keep, weight, label_smoothing, reduction)
    return _unbatched(losses, input, reduction)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of log-probabilities input at class indices target, as
    torch.nn.functional.nll_loss: l = -w_y input[y] at each position (0 where y =
    ignore_index); the mean divides by the sum of w_y not ignored. A composition of gather and
    products: dL/dinput[n, c] = -g w_c / (that sum) where c = target[n], else 0."""
    op = "nll_loss"
    no_legacy_reduction(op, size_average, reduce)
    num_classes = _input(op, input)
    check_reduction(op, reduction)
    weight = _weight(op, input, weight, num_classes)
    labels, keep = _class_indices(op, input, target, ignore_index, num_classes)
    losses = _indexed_loss(_batched(input), labels, keep, weight, 0.0, reduction)
    return _unbatched(losses, input, reduction)


def one_hot(tensor, num_classes=-1):
    """The int64 tensor of shape tensor.shape + (num_classes,) with a 1 at each index and 0
    elsewhere, as torch.nn.functional.one_hot; num_classes=-1 takes tensor.max() + 1. Not
    differentiable (its values are integers)."""
    if not isinstance(tensor, Tensor) or tensor.dtype != np.int64:
        got = f"dtype {tensor.dtype}" if isinstance(tensor, Tensor) else type(tensor).__name__
        raise TypeError(f"one_hot: expects an int64 tensor of class indices, as PyTorch, got "
                        f"{got} (convert with .long())")
    if not is_int(num_classes):
        raise TypeError(f"one_hot: num_classes must be an int, got {num_classes!r}")
    indices = tensor._array
    if num_classes == -1:
        if not indices.size:
            raise ValueError("one_hot: cannot infer the number of classes from an empty "
                             "tensor; give num_classes")
        num_classes = int(indices.max()) + 1
    if indices.size and indices.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {indices.min()}")
    if indices.size and indices.max() >= num_classes:
        raise ValueError(f"one_hot: class values must be smaller than num_classes="
                         f"{num_classes}, got {indices.max()}")
    if num_classes < 0:
        raise ValueError(f"one_hot: num_classes must be -1 or >= 0, got {num_classes}")
    return Tensor._plain((indices[..., None] == np.arange(num_classes)).astype(np.int64))
