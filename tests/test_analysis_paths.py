"""The ensemble of short paths (analysis/short_paths.py): the path measurement against its
definition, the statistics on hand-built inputs, and the claim at small size."""

import itertools
import json
import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad.analysis import cli, dynamics, short_paths, trained
from minigrad.analysis.experiments import ExperimentRun
from minigrad.data import load_digits
from minigrad.models.resnet import resnet

SPLIT = load_digits(seed=0)
X, Y = SPLIT.x_train[:8].astype(np.float64), SPLIT.y_train[:8]


def networks():
    """An MLP stack and a ResNet-8 (its blocks end in a ReLU; two have option-A
    shortcuts), with batch norm statistics that are not the initial ones."""
    mlp = dynamics.make_stack(True, 5, 16, seed=0)
    cnn = resnet(1, in_channels=1, num_classes=10, generator=np.random.default_rng(0))
    cnn.train()
    with mg.no_grad():
        cnn(mg.tensor(SPLIT.x_train[:64]))
    return {"mlp": mlp, "resnet8": cnn}


NETWORKS = networks()


def full_gradient(model):
    """dL/dx_0 of the prepared network, every path at once (its ordinary backward)."""
    with mg.no_grad():
        x0 = model.stem(mg.tensor(X))
    x0 = mg.tensor(x0.numpy(), requires_grad=True)
    (grad,) = mg.autograd.grad(F.cross_entropy(model.head(model.blocks(x0)), Y), x0)
    return grad.numpy()


def path_gradient(model, on_path):
    x0, logits = short_paths.path_forward(model, X, on_path)
    (grad,) = mg.autograd.grad(F.cross_entropy(logits, Y), x0)
    return logits.detach().numpy(), grad.numpy()


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_every_path_has_the_networks_forward_and_the_batched_backward_is_the_definition(name):
    model = short_paths.prepared(NETWORKS[name])
    n = len(model.blocks)
    on_path = short_paths.sample_paths(n, 2, np.random.default_rng(1))
    forward = short_paths.shared_forward(model, X, Y)
    batched = short_paths.path_gradients(model, forward, on_path)
    with mg.no_grad():
        own = model(mg.tensor(X)).numpy()
    assert np.array_equal(forward["logits"], own)
    for row, grad in zip(on_path, batched):
        logits, expected = path_gradient(model, row)
        assert np.array_equal(logits, own)  # the forward is the same on every path
        np.testing.assert_allclose(grad, expected, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_the_gradients_of_all_two_to_the_n_paths_add_up_to_the_true_gradient(name):
    model = short_paths.prepared(NETWORKS[name])
    n = len(model.blocks)
    every = np.array(list(itertools.product([False, True], repeat=n)))
    grads = short_paths.path_gradients(model, short_paths.shared_forward(model, X, Y), every)
    np.testing.assert_allclose(grads.sum(axis=0), full_gradient(model), rtol=1e-9, atol=1e-14)
    assert not np.allclose(grads[0], full_gradient(model))  # the branches do contribute


def test_measuring_leaves_the_shared_model_as_it_was():
    model = NETWORKS["resnet8"]
    before = {name: t.numpy().copy() for name, t in model.state_dict().items()}
    short_paths.measure(model, X, Y, paths=1)
    after = model.state_dict()
    assert all(np.array_equal(before[name], after[name].numpy()) for name in before)
    assert after["blocks.0.0.branch.1.running_mean"].dtype == mg.float32 and model.training


def test_paths_have_their_length_and_cover_the_blocks_evenly():
    on_path = short_paths.sample_paths(6, 500, np.random.default_rng(0))
    lengths = np.repeat(np.arange(7), 500)
    assert on_path.shape == (7 * 500, 6)
    assert np.array_equal(on_path.sum(axis=1), lengths)
    # Within length k, each block is on the path with probability k/6.
    frequency = on_path.reshape(7, 500, 6).mean(axis=1)
    assert np.abs(frequency - np.arange(7)[:, None] / 6).max() < 0.1


def test_statistics_of_a_hand_built_geometric_decay():
    # magnitude(k) = 1 for n = 4: the shares are the binomial 1, 4, 6, 4, 1 over 16.
    flat = short_paths.statistics(np.ones(5))
    assert flat["share_quarter"] == pytest.approx(5 / 16)  # k <= 1
    assert flat["p95"] == 4  # cumulative 1, 5, 11, 15, 16 over 16: 15/16 < 0.95
    assert flat["decay"] == pytest.approx(1.0)
    # magnitude(k) = 0.1^k for n = 8: total(k) = C(8, k) 0.1^k, shares of 1.1^8.
    geometric = short_paths.statistics(0.1 ** np.arange(9))
    shares = np.array([math.comb(8, k) * 0.1 ** k for k in range(9)]) / 1.1 ** 8
    assert geometric["decay"] == pytest.approx(0.1)
    assert geometric["share_quarter"] == pytest.approx(shares[:3].sum())
    assert geometric["p95"] == np.argmax(np.cumsum(shares) >= 0.95) == 2
    # Replicates in rows give one number per row (0.5^k: cumulative 0.20, 0.59, 0.89, 0.99).
    both = short_paths.statistics(np.stack([np.ones(5), 0.5 ** np.arange(5)]))
    assert both["p95"].tolist() == [4, 3] and both["decay"] == pytest.approx([1.0, 0.5])


def test_bootstrap_of_identical_paths_has_no_spread():
    norms = np.tile(0.3 ** np.arange(7)[:, None], (1, 5))
    spread = short_paths.bootstrap(norms, 20, np.random.default_rng(0))
    assert spread["decay"] == pytest.approx(np.full(20, 0.3))


def test_claim_most_of_a_trained_residual_mlps_gradient_comes_from_short_paths():
    model = dynamics.make_stack(True, 16, 64, seed=0)
    dynamics.fit(model, SPLIT, 3, short_paths.LR, seed=0)
    norms, _ = short_paths.measure(model, SPLIT.x_train[:32], SPLIT.y_train[:32], paths=8)
    summary = {"blocks": 16, **short_paths.statistics(norms.mean(axis=1))}
    for claim in short_paths.claims(summary):
        assert claim["holds"], claim


def test_the_accessor_reuses_the_training_experiments_network(tmp_path):
    run = ExperimentRun("quick", 0, str(tmp_path))
    stacks = trained.mlp_stacks(run)
    depth = run.size["train_depths"][-1]
    assert trained.residual_mlp(run, depth)["model"] is stacks["models"][depth]["residual"]
    own = trained.residual_mlp(run, depth, lr=short_paths.LR)
    assert own["model"] is not stacks["models"][depth]["residual"]
    assert trained.residual_mlp(run, depth, lr=short_paths.LR) is own  # trained once


def test_subcommand_writes_its_files_and_its_report_section_reads_them(tmp_path):
    assert cli.main(["paths", "--quick", "--out", str(tmp_path), "--no-progress"]) == 0
    for name in ("short_paths.png", "short_paths.json"):
        assert (tmp_path / name).stat().st_size > 0
    summary = json.loads((tmp_path / "short_paths.json").read_text())
    text = "\n".join(short_paths.report_section(summary))
    assert "](short_paths.png)" in text and "Veit et al." in text
    holds = all(c["holds"] for c in short_paths.claims(summary))
    assert ("All three claims hold" in text) == holds
    assert ("Did not hold" in text) == (not holds)


@pytest.mark.slow
def test_default_size_claims_hold_on_the_54_block_mlp(tmp_path):
    summary = short_paths.experiment(ExperimentRun("default", 0, str(tmp_path)))
    assert math.isfinite(summary["train_loss"])
    for claim in short_paths.claims(summary):
        assert claim["holds"], claim
