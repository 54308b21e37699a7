"""Losses with reduction=, their modules, dropout and ModuleList: gradients (central
differences), values against hand computations, and bad inputs. (Their PyTorch answers are
in tests/test_pytorch_idioms.py.)"""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn


def leaf(array):
    return mg.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


LOGITS = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [0.3, 0.3, -2.0]])
LABELS = np.array([2, 0, 1])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_and_nll_pass_gradcheck_under_each_reduction(reduction):
    assert mg.gradcheck(lambda x: F.cross_entropy(x, LABELS, reduction=reduction),
                        [leaf(LOGITS)])
    assert mg.gradcheck(lambda x: F.nll_loss(x.log_softmax(1), LABELS, reduction=reduction),
                        [leaf(LOGITS)])


@pytest.mark.parametrize("loss", [F.mse_loss, F.l1_loss])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses_pass_gradcheck(loss, reduction):
    target = mg.tensor(np.array([[0.5, -1.0], [2.0, 0.25]]))
    assert mg.gradcheck(lambda x: loss(x, target, reduction=reduction),
                        [leaf([[1.0, 2.0], [-0.5, 0.75]])])


def test_reductions_agree_with_each_other_and_by_hand():
    per_sample = -np.log(np.exp(LOGITS[np.arange(3), LABELS]) / np.exp(LOGITS).sum(1))
    x = mg.tensor(LOGITS)
    np.testing.assert_allclose(F.cross_entropy(x, LABELS, reduction="none").numpy(),
                               per_sample, rtol=1e-12)
    assert F.cross_entropy(x, LABELS, reduction="sum").item() == pytest.approx(per_sample.sum())
    assert F.cross_entropy(x, LABELS).item() == pytest.approx(per_sample.mean())
    assert nn.CrossEntropyLoss(reduction="sum")(x, mg.tensor(LABELS)).item() == pytest.approx(
        per_sample.sum())
    assert nn.NLLLoss()(x.log_softmax(1), LABELS).item() == pytest.approx(per_sample.mean())
    y, t = mg.tensor([1.0, -2.0]), mg.tensor([0.0, 0.0])
    assert nn.MSELoss()(y, t).item() == 2.5 and nn.L1Loss(reduction="sum")(y, t).item() == 3.0


@pytest.mark.parametrize("call, error, words", [
    (lambda: F.mse_loss(mg.ones(2), mg.ones(3)), ValueError, "mse_loss: input"),
    (lambda: F.l1_loss(mg.ones(2), mg.ones(2), reduction="avg"), ValueError, "reduction must"),
    (lambda: nn.MSELoss(reduction="avg"), ValueError, "MSELoss: reduction must"),
    (lambda: F.nll_loss(mg.ones(2, 3), np.array([0.5, 1.0])), TypeError, "integer class"),
    # PyTorch's IndexError for a class index out of range
    (lambda: F.cross_entropy(mg.ones(2, 3), np.array([0, 3])), IndexError, r"in \[0, 3\)"),
    (lambda: F.cross_entropy(mg.ones(2, 3), np.array([0, 1]), mg.ones(2)), ValueError,
     "one value per class"),
    (lambda: F.dropout(mg.ones(2), 1.5), ValueError, r"dropout: p must be in \[0, 1\]"),
    (lambda: nn.Dropout(-0.1), ValueError, r"Dropout: p must be in \[0, 1\]"),
    (lambda: nn.ModuleList([nn.Linear(2, 2), 3]), TypeError, "ModuleList: expected a Module"),
])
def test_bad_inputs_get_clear_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_dropout_scales_what_it_keeps_and_is_the_identity_in_eval():
    mg.manual_seed(0)
    layer = nn.Dropout(0.25)
    x = mg.ones(20_000)
    y = layer(x).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.02 and np.allclose(y[kept], 1 / 0.75)
    layer.eval()
    assert layer(x) is x
    assert F.dropout(x, 0.0) is x and not F.dropout(x, 1.0).numpy().any()


def test_dropout_gradient_is_the_same_mask():
    mg.manual_seed(1)
    x = leaf(np.ones(1000))
    y = F.dropout(x, 0.5)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())


def test_module_list_registers_its_modules():
    layers = nn.ModuleList([nn.Linear(2, 3), nn.Linear(3, 1)])
    layers.append(nn.ReLU())
    assert len(layers) == 3 and isinstance(layers[1], nn.Linear)
    assert [name for name, _ in layers.named_parameters()] == ["0.weight", "0.bias", "1.weight",
                                                                "1.bias"]
    assert len(layers[:2]) == 2 and [type(m).__name__ for m in layers][-1] == "ReLU"


def test_saving_a_whole_module_says_to_save_its_state_dict(tmp_path):
    """torch.save(model) pickles it; minigrad never pickles, and says what to write."""
    model = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"save its \.state_dict\(\)"):
        mg.save(model, tmp_path / "model.npz")
    mg.save(model.state_dict(), tmp_path / "model.npz")
    other = nn.Linear(2, 2)
    other.load_state_dict(mg.load(tmp_path / "model.npz"))
    np.testing.assert_array_equal(other.weight.detach().numpy(), model.weight.detach().numpy())
