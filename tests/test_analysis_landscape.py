"""The loss-landscape experiment (Li et al. 2018): its claim at small size, its statistics on
cases whose answer is known, and its promise to leave the shared trained models unchanged."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn
from minigrad.analysis import cli, experiments, landscape, trained
from minigrad.data import load_digits
from minigrad.models.resnet import resnet

SPLIT = load_digits(seed=0)
X, Y = SPLIT.x_train[:64], SPLIT.y_train[:64]


def untrained_rise(layers, residual, directions=2):
    model = landscape.untrained_twin(layers, residual, X, seed=0)
    ds = landscape.directions_for(model, 0, directions)
    return np.mean(landscape.profile(model, X, Y, ds, (-0.25, 0.0, 0.25))["rise"])


def test_without_shortcuts_the_56_layer_landscape_is_far_sharper_but_not_at_20_layers():
    # Li et al. 2018, Fig. 5, at initialization (batch norm calibrated on the digits): the
    # architecture alone makes the 56-layer plain net's neighbourhood sharp. Seed 0 measures
    # 27x at 56 layers and 1.08x at 20.
    deep = untrained_rise(56, False) / untrained_rise(56, True)
    shallow = untrained_rise(20, False) / untrained_rise(20, True)
    assert deep >= 10, deep
    assert 1 / 3 <= shallow <= 3, shallow


def test_filter_normalization_gives_each_filter_the_norm_of_the_weights_filter():
    model = resnet(1, in_channels=1, num_classes=10, generator=np.random.default_rng(0))
    direction = landscape.filter_normalized_direction(model, np.random.default_rng(1))
    again = landscape.filter_normalized_direction(model, np.random.default_rng(1))
    for param, d, d_again in zip(model.parameters(), direction, again):
        theta = param.detach().numpy()
        assert d.shape == theta.shape and d.dtype == theta.dtype
        np.testing.assert_array_equal(d, d_again)  # the same seed, the same direction
        if theta.ndim < 2:  # biases, batch-norm weights and biases
            assert not d.any()
        else:
            filters = len(theta)
            np.testing.assert_allclose(np.linalg.norm(d.reshape(filters, -1), axis=1),
                                       np.linalg.norm(theta.reshape(filters, -1), axis=1),
                                       rtol=1e-5)
            assert not np.allclose(d, theta)


def test_a_linear_layers_rows_are_its_filters():
    layer = nn.Linear(2, 2)
    layer.weight.data = np.array([[3.0, 4.0], [0.0, 0.5]], dtype=np.float32)
    weight, bias = landscape.filter_normalized_direction(layer, np.random.default_rng(0))
    np.testing.assert_allclose(np.linalg.norm(weight, axis=1), [5.0, 0.5], rtol=1e-6)
    assert not bias.any()


def test_rise_of_a_quadratic_profile():
    alphas = np.array([-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0])
    losses = np.stack([2 + 3 * alphas**2, 1 + alphas + 5 * alphas**2])  # two directions
    np.testing.assert_allclose(landscape.rise(alphas, losses), [3 / 16, 5 / 16])


@pytest.mark.parametrize("loss, expected", [
    (lambda a, b: a**2 + b**2, 0.0),        # convex: no negative curvature
    (lambda a, b: a**2 - b**2, 1.0),        # a saddle, as curved down as up
    (lambda a, b: a**2 - 0.25 * b**2, 0.25),
    (lambda a, b: a * b, 1.0),              # a saddle on the diagonals: eigenvalues +1, -1
    (lambda a, b: 2 * a**2 + a * b + b**2, 0.0),
    (lambda a, b: a**2 - 4 * b**2, 1.0),    # |lambda_min / lambda_max| = 4, capped at 1
])
def test_nonconvexity_of_quadratics(loss, expected):
    ticks = np.linspace(-1, 1, 9)
    a, b = np.meshgrid(ticks, ticks, indexing="ij")
    ratio = landscape.nonconvexity(loss(a, b), ticks[1] - ticks[0])
    assert ratio.shape == (7, 7)
    np.testing.assert_allclose(ratio, expected, atol=1e-9)


def small_net(seed=0):
    model = resnet(1, in_channels=1, num_classes=10, generator=np.random.default_rng(seed))
    model(mg.tensor(X))  # one training-mode forward: running statistics of its own
    return model


def test_losses_at_moves_the_weights_and_puts_the_same_arrays_back():
    model = small_net()
    params = list(model.parameters())
    arrays = [p.detach().numpy() for p in params]
    copies = [a.copy() for a in arrays]
    buffers = [b.numpy().copy() for b in model.buffers()]
    direction = landscape.filter_normalized_direction(model, np.random.default_rng(3))
    losses = landscape.losses_at(model, X, Y, [direction], [[0.0], [0.5]])
    for param, array, copy in zip(params, arrays, copies):
        assert param.detach().numpy() is array
        np.testing.assert_array_equal(array, copy)
    for buffer, copy in zip(model.buffers(), buffers):  # eval mode: statistics unchanged
        np.testing.assert_array_equal(buffer.numpy(), copy)
    assert model.training  # the mode it came in

    moved = small_net()  # the same net, moved by hand
    for param, d in zip(moved.parameters(), direction):
        param.data = param.detach().numpy() + 0.5 * d
    moved.eval()
    with mg.no_grad():
        by_hand = F.cross_entropy(moved(mg.tensor(X)), Y).item()
    model.eval()
    with mg.no_grad():
        at_theta = F.cross_entropy(model(mg.tensor(X)), Y).item()
    np.testing.assert_allclose(losses, [at_theta, by_hand], rtol=1e-6)


def test_losses_at_restores_the_weights_after_an_error():
    model = small_net()
    arrays = [p.detach().numpy() for p in model.parameters()]
    direction = landscape.filter_normalized_direction(model, np.random.default_rng(3))
    with pytest.raises(Exception):
        landscape.losses_at(model, X, Y[:3], [direction], [[0.5]])  # labels of the wrong size
    assert all(p.detach().numpy() is a for p, a in zip(model.parameters(), arrays))
    assert model.training


def fake_resnets(run):
    """An untrained 8-layer pair in place of trained.resnets (no training in a unit test)."""
    models = {8: {kind: small_net() for kind in landscape.KINDS}}
    return {"layers": [8], "models": models,
            "runs": {kind: [{"train_loss": 2.3, "test_accuracy": 0.1}] for kind in landscape.KINDS}}


def test_the_experiment_leaves_the_shared_models_unchanged(tmp_path):
    run = experiments.ExperimentRun("quick", out=str(tmp_path))
    run.cache["resnets"] = fake_resnets(run)
    models = trained.resnets(run)["models"][8]
    before = {kind: [p.detach().numpy().copy() for p in m.parameters()]
              for kind, m in models.items()}
    summary = landscape.experiment(run)
    for kind, model in models.items():
        for param, copy in zip(model.parameters(), before[kind]):
            np.testing.assert_array_equal(param.detach().numpy(), copy)
    assert summary["layers"] == [8] and landscape.claims(summary) == []
    text = "\n".join(landscape.report_section(summary))
    assert "](landscape.png)" in text and "this size does not train" in text


def summary_with(ratio56, residual56=0.01, ratio20=1.0):
    def pair(plain, residual):
        return {"plain": {"trained": {"mean": plain, "min": plain, "max": plain},
                          "untrained": {"mean": 5.0, "min": 4.0, "max": 6.0}},
                "residual": {"trained": {"mean": residual, "min": residual, "max": residual},
                             "untrained": {"mean": 0.5, "min": 0.4, "max": 0.6}}}

    losses = {"plain": 3.0, "residual": 0.01}
    return {"layers": [20, 56], "images": 128, "directions": 3,
            "rise": {"20": pair(0.05 * ratio20, 0.05), "56": pair(residual56 * ratio56, residual56)},
            "train_loss": {"20": losses, "56": losses}, "loss": {"20": losses, "56": losses}}


def test_the_report_says_plainly_when_a_claim_did_not_hold():
    held = landscape.claims(summary_with(ratio56=500))
    assert [c["holds"] for c in held] == [True, True, True]
    failed = landscape.claims(summary_with(ratio56=2, residual56=2.0, ratio20=4))
    assert [c["holds"] for c in failed] == [False, False, False]
    text = "\n".join(landscape.report_section(summary_with(ratio56=2)))
    assert "Did not hold in this run: plain56's rise(0.25) is at least 10x" in text
    assert "every claim held" in "\n".join(landscape.report_section(summary_with(500)))
    assert "|---|---|---|" in text and text.count("## ") == 1


def test_the_planes_and_their_non_convexity_maps(tmp_path):
    models = {8: {kind: small_net() for kind in landscape.KINDS}}
    result = landscape.landscape(models, X, Y, seed=0, directions=2,
                                 alphas=(-0.25, 0.0, 0.25), grid=5)
    plane = result["nets"]["8"]["plain"]["plane"]
    assert np.shape(plane["losses"]) == (5, 5) and np.shape(plane["nonconvexity"]) == (3, 3)
    assert plane["losses"][2][2] == pytest.approx(result["nets"]["8"]["plain"]["loss"])
    assert landscape.plot_planes(result, str(tmp_path)) == ["landscape_2d.png",
                                                            "landscape_nonconvexity.png"]
    assert all((tmp_path / name).stat().st_size > 0 for name in ["landscape_2d.png",
                                                                   "landscape_nonconvexity.png"])


def test_the_subcommand_writes_its_files(tmp_path, monkeypatch):
    monkeypatch.setattr(trained, "resnets", lambda run: run.cache.setdefault(
        "resnets", fake_resnets(run)))
    assert cli.main(["landscape", "--quick", "--out", str(tmp_path), "--no-progress"]) == 0
    for name in ("landscape.png", "landscape.json"):
        assert (tmp_path / name).stat().st_size > 0
