"""Bad inputs to the activations, losses and vector functions of issue 12: each gets the
exception PyTorch raises (or the one docs/pytorch.md lists) and a message that names the
function, the argument, what was expected and what came."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn

BAD_INPUTS = [
    (lambda: F.gelu(mg.ones(2), approximate="erf"), ValueError, "gelu: approximate must be"),
    (lambda: nn.GELU("fast"), ValueError, "GELU: approximate must be"),
    (lambda: F.hardtanh(mg.ones(2), 2.0, 1.0), ValueError, "hardtanh: min_val must not be"),
    (lambda: nn.Hardtanh(1, -1), ValueError, "Hardtanh: min_val must not be"),
    (lambda: F.leaky_relu(mg.ones(2), "0.1"), TypeError, "negative_slope must be a number"),
    (lambda: F.elu(np.ones(2), inplace=True), TypeError, "elu: input must be a Tensor"),
    (lambda: F.cross_entropy(mg.ones(2, 3), np.array([0, 3])), IndexError,
     r"target 3 is out of bounds: class indices must lie in \[0, 3\)"),
    (lambda: F.nll_loss(mg.ones(2, 3), np.array([-1, 0])), IndexError, "target -1 is out"),
    (lambda: F.cross_entropy(mg.ones(2, 3), np.array([0, 1, 1])), ValueError,
     r"input \(2, 3\) needs a target of shape \(2,\)"),
    (lambda: F.cross_entropy(mg.ones(2, 3, 4), np.array([[0, 1, 1, 0]])), ValueError,
     r"needs a target of shape \(2, 4\)"),
    (lambda: F.nll_loss(mg.ones(2, 3), np.array([0.0, 1.0])), TypeError, "integer class"),
    (lambda: F.cross_entropy(mg.ones(2, 3), mg.ones(2, 4)), TypeError, "integer class"),
    (lambda: F.cross_entropy(mg.ones(2, 3), mg.ones(2, 3), ignore_index=1), ValueError,
     "ignore_index is for class indices"),
    (lambda: F.cross_entropy(mg.ones(2, 3), np.array([0, 1]), mg.ones(4)), ValueError,
     r"weight must hold one value per class, shape \(3,\)"),
    (lambda: F.cross_entropy(mg.ones(2, 3), np.array([0, 1]), mg.ones(3, dtype=mg.float64)),
     RuntimeError, "the input is float32 but weight is float64"),
    (lambda: F.cross_entropy(mg.ones(2, 3), np.array([0, 1]), mg.ones(3, requires_grad=True)),
     RuntimeError, "not differentiable in weight"),
    (lambda: F.cross_entropy(mg.ones(2, 3), np.array([0, 1]), label_smoothing=1.5), ValueError,
     r"label_smoothing must be in \[0, 1\]"),
    (lambda: F.cross_entropy(mg.ones(2, 3), np.array([0, 1]), reduction="avg"), ValueError,
     "reduction must be 'mean', 'sum' or 'none'"),
    (lambda: F.cross_entropy(mg.tensor(1.0), np.array(0)), ValueError, "got a 0-d tensor"),
    (lambda: F.cross_entropy(np.ones((2, 3)), np.array([0, 1])), TypeError,
     "input must be a Tensor"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=-0.1), ValueError, "CrossEntropyLoss: label"),
    (lambda: nn.NLLLoss(reduction="avg"), ValueError, "NLLLoss: reduction must"),
    (lambda: F.smooth_l1_loss(mg.ones(2), mg.ones(2), beta=-1.0), ValueError,
     r"smooth_l1_loss: beta must be in \[0, inf\]"),
    (lambda: F.smooth_l1_loss(mg.ones(2), mg.ones(1)), ValueError, "must have the same shape"),
    (lambda: nn.SmoothL1Loss(beta=-1), ValueError, "SmoothL1Loss: beta"),
    (lambda: F.binary_cross_entropy(mg.tensor([1.5]), mg.tensor([1.0])), ValueError,
     r"must lie in \[0, 1\]"),
    (lambda: F.binary_cross_entropy(mg.tensor([np.nan]), mg.tensor([1.0])), ValueError,
     r"must lie in \[0, 1\]"),
    (lambda: F.binary_cross_entropy(mg.tensor([0.5, 0.5]), mg.tensor([1.0])), ValueError,
     "target \\(1,\\) must have the input's shape \\(2,\\)"),
    (lambda: F.binary_cross_entropy(mg.tensor([0.5]), mg.tensor([1])), TypeError,
     "target must be floating point"),
    (lambda: F.binary_cross_entropy(mg.tensor([0.5]), mg.tensor([1.0], dtype=mg.float64)),
     RuntimeError, "the input is float32 but target is float64"),
    (lambda: F.binary_cross_entropy(mg.tensor([0.5]), mg.tensor([1.0]), mg.ones(3)),
     ValueError, "weight \\(3,\\) must broadcast"),
    (lambda: nn.BCELoss(reduction="mean!"), ValueError, "BCELoss: reduction must"),
    (lambda: F.binary_cross_entropy_with_logits(mg.ones(2, 2), mg.ones(2, 2),
                                                pos_weight=mg.ones(3)), ValueError,
     "pos_weight \\(3,\\) must broadcast"),
    (lambda: F.binary_cross_entropy_with_logits(mg.ones(2), mg.ones(2), pos_weight=mg.ones(
        2, requires_grad=True)), RuntimeError, "not differentiable in pos_weight"),
    (lambda: F.binary_cross_entropy_with_logits(mg.ones(2), mg.ones(3)), ValueError,
     "must have the input's shape"),
    (lambda: F.one_hot(mg.tensor([-1, 2])), ValueError, "class values must be non-negative"),
    (lambda: F.one_hot(mg.tensor([1, 2]), 2), ValueError,
     "class values must be smaller than num_classes=2"),
    (lambda: F.one_hot(mg.tensor([1, 2], dtype=mg.int32)), TypeError, "expects an int64"),
    (lambda: F.one_hot(mg.tensor([1.0])), TypeError, "expects an int64"),
    (lambda: F.one_hot(mg.tensor([], dtype=mg.int64)), ValueError, "cannot infer"),
    (lambda: F.one_hot(mg.tensor([1]), 2.0), TypeError, "num_classes must be an int"),
    (lambda: F.normalize(mg.ones(2, 2), dim=2), IndexError, "dim 2 is out of range"),
    (lambda: F.normalize(mg.tensor([1, 2])), RuntimeError, "normalize: input must be floating"),
    (lambda: F.cosine_similarity(mg.ones(2, 3), mg.ones(2, 4)), ValueError, "must broadcast"),
    (lambda: F.cosine_similarity(mg.ones(2, 3), mg.ones(2, 3), dim=-3), IndexError,
     "out of range"),
]


@pytest.mark.parametrize("index", range(len(BAD_INPUTS)))
def test_bad_inputs_get_clear_errors(index):
    call, error, words = BAD_INPUTS[index]
    with pytest.raises(error, match=words):
        call()
