"""A forward that raises changes no state: a stateful layer's buffers (BatchNorm's running
statistics and num_batches_tracked) and the random generator (Dropout's mask) are as they
were before the call."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn


def _state(module):
    return {name: np.array(value.detach().numpy(), copy=True)
            for name, value in module.state_dict().items()}


def _assert_same_state(before, after):
    assert before.keys() == after.keys()
    for name in before:
        np.testing.assert_array_equal(after[name], before[name], err_msg=name)


BATCH_NORMS = {
    "BatchNorm1d": (lambda momentum: nn.BatchNorm1d(3, momentum=momentum), (4, 3)),
    "BatchNorm1d (N, C, L)": (lambda momentum: nn.BatchNorm1d(3, momentum=momentum), (4, 3, 2)),
    "BatchNorm2d": (lambda momentum: nn.BatchNorm2d(3, momentum=momentum), (4, 3, 2, 2)),
}
# (what is wrong, the input from a good shape, the error)
BAD_INPUTS = {
    "one value per channel": (lambda shape: mg.randn(1, 3, *([1] * (len(shape) - 2))),
                              ValueError),
    "float64 input, float32 layer": (lambda shape: mg.randn(*shape, dtype=mg.float64),
                                     RuntimeError),
    "integer input": (lambda shape: mg.ones(*shape, dtype=mg.int64), TypeError),
    "wrong channel count": (lambda shape: mg.randn(shape[0], 2, *shape[2:]), ValueError),
}


@pytest.mark.parametrize("bad", sorted(BAD_INPUTS))
@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("layer", sorted(BATCH_NORMS))
def test_a_batch_norm_forward_that_raises_moves_no_buffer(layer, momentum, bad):
    make, shape = BATCH_NORMS[layer]
    module = make(momentum)
    module(mg.randn(*shape))  # one good batch, so the count and statistics are not fresh
    before = _state(module)
    make_input, error = BAD_INPUTS[bad]
    with pytest.raises(error):
        module(make_input(shape))
    _assert_same_state(before, _state(module))


@pytest.mark.parametrize("momentum", [0.1, None])
def test_after_a_failed_forward_the_running_average_goes_on_as_if_it_never_came(momentum):
    """With momentum=None the weight of a batch is 1 / num_batches_tracked: a count moved by
    a failed call would weigh the next batch wrongly."""
    batches = [mg.randn(4, 3) for _ in range(2)]
    clean, interrupted = nn.BatchNorm1d(3, momentum=momentum), nn.BatchNorm1d(3, momentum=momentum)
    clean(batches[0]), clean(batches[1])
    interrupted(batches[0])
    with pytest.raises(ValueError):
        interrupted(mg.randn(1, 3))
    interrupted(batches[1])
    _assert_same_state(_state(clean), _state(interrupted))


def test_a_dropout_that_raises_draws_no_mask():
    """torch refuses an integer input in training with 0 < p < 1 (a RuntimeError); the
    generator is left where it was, so the next mask is the one it would have been."""
    mg.manual_seed(0)
    before = mg.get_rng_state()
    with pytest.raises(RuntimeError, match="dropout"):
        nn.Dropout(0.5)(mg.tensor([1, 2, 3]))
    np.testing.assert_array_equal(mg.get_rng_state(), before)
