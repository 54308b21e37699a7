"""The study's claims as tests: each would fail if the physics of the "+1" broke.

Small sizes and fixed seeds, on a batch of the bundled digits (the report's data).
"""

import math
import os
import shlex
import sys
import types

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad.analysis import GradientRecorder, cli, dynamics, experiments, flow, plots, shattered
from minigrad.analysis import claims as claims_module
from minigrad.analysis import report as report_module
from minigrad.data import load_digits
from minigrad.models.stacks import plain_cnn, plain_mlp, residual_cnn, residual_mlp

SPLIT = load_digits(seed=0)
X, Y = SPLIT.x_train[:64], SPLIT.y_train[:64]
DEPTH = 50


def ratio(model):
    activation, _, _ = flow.measure_at_init(model, X, Y)
    return flow.first_to_last(activation)


def tanh_stack(residual, **kwargs):
    generator = np.random.default_rng(0)
    if residual:
        return residual_mlp(DEPTH, 64, "tanh", "standard", branch_scale=1 / math.sqrt(DEPTH),
                            generator=generator, **kwargs)
    return plain_mlp(DEPTH, 64, "tanh", "standard", generator=generator)


def test_plain_tanh_stack_of_depth_50_loses_the_gradient():
    assert ratio(tanh_stack(residual=False)) < 1e-6


def test_residual_stack_of_depth_50_keeps_the_gradient():
    assert 0.3 < ratio(tanh_stack(residual=True)) < 10


def test_removing_the_plus_one_collapses_the_residual_ratio_toward_plain():
    residual = ratio(tanh_stack(residual=True))
    ablated = ratio(tanh_stack(residual=True, shortcut_grad=False))
    plain = ratio(tanh_stack(residual=False))
    assert ablated < 1e-4 * residual  # orders of magnitude
    # ...into the plain stack's vanished regime. (It falls even below the plain stack: the
    # only path left runs through branches scaled by 1/sqrt(L).)
    assert plain < 1e-6 and ablated < 1e-6


def test_scaled_shortcuts_follow_the_lambda_power_law():
    result = flow.ratio_vs_depth(X, Y, depths=(4, 8, 16, 32), lambdas=(0.5, 0.9, 1.1))
    for lam, slope in result["fits"].items():
        assert abs(slope - math.log(lam)) < 0.05, (lam, slope)


def test_degradation_deep_plain_trains_far_worse_than_its_residual_twin():
    result = dynamics.degradation(SPLIT, depths=(16,), epochs=5, lr=experiments.TRAIN_LR)
    plain = result["runs"]["plain"][0]["train_loss"]
    residual = result["runs"]["residual"][0]["train_loss"]
    assert plain > 10 * residual, (plain, residual)


@pytest.mark.parametrize("make_stack", [residual_mlp, plain_mlp, residual_cnn, plain_cnn])
def test_recording_does_not_change_any_gradient(make_stack):
    def gradients(record):
        model = make_stack(4, generator=np.random.default_rng(1))
        recorder = GradientRecorder(model) if record else None
        F.cross_entropy(model(mg.tensor(X[:8])), Y[:8]).backward()
        if recorder is not None:
            recorder.record()
            assert recorder.activation_norms.shape == (1, 5)
            assert (recorder.activation_norms > 0).all()
        return [p.grad for p in model.parameters()]

    for with_recorder, without in zip(gradients(True), gradients(False)):
        np.testing.assert_array_equal(with_recorder, without)


def test_recorder_norms_match_the_gradients_it_saw():
    model = residual_mlp(3, width=8, generator=np.random.default_rng(2))
    recorder = GradientRecorder(model)
    seen = []

    def keep_output(module, inputs, output):
        output.retain_grad()
        seen.append(output)

    model.blocks[-1].register_forward_hook(keep_output)
    F.cross_entropy(model(mg.tensor(X[:8])), Y[:8]).backward()
    recorder.record()
    assert recorder.activation_norms[0, -1] == pytest.approx(np.linalg.norm(seen[0].grad))
    weights = [p for p in model.parameters() if p.ndim >= 2]
    np.testing.assert_allclose(recorder.weight_norms[0],
                               [np.linalg.norm(p.grad) for p in weights])
    assert len(recorder.weight_names) == len(weights) == 5  # stem, 3 blocks, head


def line_statistics(n, residual):
    pairs, projections = shattered.draw_lines(SPLIT, 1, seed=0)
    model = shattered.build_calibrated(n, residual, SPLIT, seed=0)
    return shattered.measure_net(model, SPLIT, pairs, projections, points=256)


def test_deep_plain_nets_shatter_the_gradient_and_residual_nets_do_not():
    # Balduzzi et al. 2017: at 32 layers (n = 5) the plain net's derivative along a line of
    # inputs is white noise; the ResNet's stays correlated. Seed 0 measures -0.02 and 0.85.
    plain, residual = line_statistics(5, False), line_statistics(5, True)
    assert abs(plain["acf1"][0]) < 0.15, plain["acf1"]
    assert residual["acf1"][0] > 0.6, residual["acf1"]
    assert plain["cosine"][0] < residual["cosine"][0] - 0.5, (plain["cosine"], residual["cosine"])


def test_at_8_layers_neither_net_shatters_the_gradient():
    for residual in (False, True):  # seed 0 measures 0.95 (plain) and 0.97
        assert line_statistics(1, residual)["acf1"][0] > 0.8


def test_one_backward_gives_each_inputs_own_gradient_after_batch_norm_calibration():
    model = shattered.build_calibrated(1, False, SPLIT, seed=0, calibration_images=64)
    norm = model.stem[1]
    batch = SPLIT.x_train[:64].astype(np.float64)
    stem_out = model.stem[0](mg.tensor(batch)).detach().numpy()
    np.testing.assert_allclose(norm.running_mean.numpy(), stem_out.mean(axis=(0, 2, 3)))
    assert not model.training
    inputs = shattered.interpolation_line(batch[0], batch[1], 4)
    projection = np.random.default_rng(0).standard_normal(10)
    together = shattered.input_gradients(model, inputs, projection)
    alone = shattered.input_gradients(model, inputs[2:3], projection)
    np.testing.assert_allclose(together[2:3], alone, rtol=1e-10, atol=1e-12)


def test_lag1_autocorrelation_separates_white_from_brown_noise():
    white = np.random.default_rng(0).standard_normal(4096)
    assert abs(shattered.lag1_autocorrelation(white)) < 0.05
    assert shattered.lag1_autocorrelation(np.cumsum(white)) > 0.95
    assert math.isnan(shattered.lag1_autocorrelation(np.ones(8)))


EXPECTED_FILES = {
    "flow": ["flow_activation.png", "flow_weight.png", "flow.json"],
    "depth": ["ratio_vs_depth.png", "ratio_vs_depth.json"],
    "training": ["training_loss.png", "training_loss_resnet.png", "gradient_heatmap.png",
                 "training.json"],
    "lesion": ["lesion.png", "lesion.json"],
    "variants": ["variants_accuracy.png", "variants.json"],
    "separability": ["separability.png", "separability.json"],
    "shattered": ["shattered.png", "shattered.json"],
    "paths": ["short_paths.png", "short_paths.json"],
    "landscape": ["landscape.png", "landscape.json"],
    "early": ["early_training.png", "early_training.json"],
    "response": ["block_response.png", "block_response.json"],
    "thousand": ["thousand.png", "thousand.json"],
}


@pytest.mark.parametrize("command", sorted(EXPECTED_FILES))
def test_every_subcommand_runs_quick_and_writes_its_files(command, tmp_path, capsys):
    assert cli.main([command, "--quick", "--out", str(tmp_path), "--no-progress"]) == 0
    for name in EXPECTED_FILES[command]:
        path = tmp_path / name
        assert path.exists() and path.stat().st_size > 0, name
    said = capsys.readouterr().out  # where the files went, in one line
    assert f"{command}: wrote " in said and str(tmp_path) in said, said


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    """The --quick report, run once through the command line: (folder, report.md's text,
    the summaries)."""
    out = tmp_path_factory.mktemp("quick_report")
    kept = {}
    real_run = report_module.run

    def keep(*args, **kwargs):
        kept.update(real_run(*args, **kwargs))
        return kept

    cli.run = keep
    try:
        assert cli.main(["report", "--quick", "--out", str(out), "--no-progress"]) == 0
    finally:
        cli.run = real_run
    return out, (out / "report.md").read_text(), kept


def test_quick_report_has_every_figure(quick_report):
    _, report, _ = quick_report
    for command in report_module.ORDER:  # the experiments the report runs
        for name in EXPECTED_FILES[command]:
            if name.endswith(".png"):
                assert f"]({name})" in report, name
    assert "random seed: 0" in report


def test_quick_report_is_commonmark_with_tables_and_no_stray_asterisks(quick_report):
    from markdown_it import MarkdownIt

    out, report, _ = quick_report
    tokens = MarkdownIt("commonmark").enable("table").parse(report)
    inline = [child for t in tokens if t.type == "inline" for child in t.children]
    text = [t.content for t in inline if t.type in ("text", "code_inline")]
    assert not [t for t in text if "*" in t], "literal asterisks: the emphasis did not parse"
    images = [t.attrs["src"] for t in inline if t.type == "image"]
    assert images and all((out / src).is_file() for src in images), images
    # Every block of |-lines in the source is one table in the parse.
    blocks = sum(1 for previous, line in zip([""] + report.splitlines(), report.splitlines())
                 if line.startswith("|") and not previous.startswith("|"))
    assert sum(t.type == "table_open" for t in tokens) == blocks > 0


def test_every_claim_is_reported_with_its_verdict(quick_report):
    _, report, summaries = quick_report
    for name in report_module.ORDER:
        claims = report_module.CLAIMS[name](summaries[name])
        # (At quick size an experiment may have no claims: e.g. the landscape's need the
        # 20- and 56-layer nets; the slow test asks for them at default size.)
        for c in claims:
            verdict = "Held" if c["holds"] else "Did not hold in this run"
            assert f"- {verdict}: {c['claim']} (measured: " in report, c


def test_progress_total_is_the_ticks_the_report_makes(quick_report):
    _, _, summaries = quick_report
    planned, undeclared = experiments.planned_ticks(report_module.ORDER, "quick")
    assert undeclared == []
    assert planned == sum(summaries[name]["ticks"] for name in report_module.ORDER)


def test_planned_ticks_count_shared_networks_once_and_not_when_cached():
    size = experiments.SIZES["quick"]
    mlp = experiments.SHARED_TICKS["mlp_stacks"](size)
    assert experiments.planned_ticks(["lesion"], "quick") == (mlp, [])
    assert experiments.planned_ticks(["lesion", "lesion"], "quick") == (mlp, [])
    assert experiments.planned_ticks(["lesion"], "quick", {"mlp_stacks": None}) == (0, [])


def test_a_module_declares_its_work_at_module_level_or_not_at_all(monkeypatch):
    declared, silent = types.ModuleType("declared"), types.ModuleType("silent")
    declared.expected_ticks = lambda size_name: {"quick": 3}[size_name]
    declared.TRAINED = ("resnets",)
    for module in (declared, silent):
        def experiment(run):
            return {}
        experiment.__module__ = module.__name__
        module.experiment = experiment
        monkeypatch.setitem(sys.modules, module.__name__, module)
        monkeypatch.setitem(experiments.EXPERIMENTS, module.__name__, experiment)
    resnets = experiments.SHARED_TICKS["resnets"](experiments.SIZES["quick"])
    assert experiments.planned_ticks(["declared", "silent"], "quick") == (3 + resnets, ["silent"])


def test_run_time_table_warns_when_the_machine_was_loaded(quick_report, tmp_path):
    _, report, summaries = quick_report
    assert "load average" in report and "CPU seconds" in report
    run = experiments.ExperimentRun("quick", out=str(tmp_path))
    busy = (os.cpu_count() + 1.0,) * 3
    path = report_module.write_report(run, summaries, 1.0, "x", load=(busy, busy))
    assert "- warning: the load was above" in open(path).read()
    path = report_module.write_report(run, summaries, 1.0, "x", load=((0.0,) * 3,) * 2)
    assert "warning" not in open(path).read()


@pytest.mark.parametrize("argv, prog, implied", [
    (["report", "--quick", "--seed", "2"], "python -m minigrad.analysis", ()),
    (["--quick", "--out", "a folder"], "minigrad-report", ("report",)),
])
def test_the_recorded_command_reproduces_the_run(monkeypatch, argv, prog, implied):
    seen = {}
    monkeypatch.setattr(cli, "run", lambda names, **kwargs: seen.update(kwargs, names=names))
    assert cli.main(argv, prog=prog, implied=implied) == 0
    first = dict(seen)
    words = shlex.split(first["command"])
    assert words[:len(shlex.split(prog))] == shlex.split(prog)
    if prog == "minigrad-report":  # pasted, the console script runs as it did
        monkeypatch.setattr(sys, "argv", words)
        assert cli.report_main() == 0
    else:
        assert cli.main(words[3:]) == 0
    assert seen == first


def test_a_run_from_python_records_the_command_line_that_reproduces_it():
    assert report_module.command_for("quick", 3, "out") == \
        "python -m minigrad.analysis report --quick --seed 3 --out out"
    assert report_module.command_for("default", 0, os.path.join("reports", "default")) == \
        "python -m minigrad.analysis report"


def test_log_axes_are_ticked_on_round_decades():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.semilogy([0, 1, 2], [1e-139, 1e-3, 3e5])
    plots.decade_ticks(ax)
    ticks = np.log10(ax.get_yticks())
    steps = np.diff(ticks)
    assert len(ticks) <= 7 and np.allclose(steps, steps[0])
    assert np.allclose(ticks % steps[0], 0) and steps[0] in (1, 2, 5, 10, 20, 25, 50, 100)
    plt.close(fig)


def test_wilson_interval_of_an_accuracy():
    low, high = plots.wilson_interval(0.5, 100)
    assert low == pytest.approx(0.4038, abs=1e-4) and high == pytest.approx(0.5962, abs=1e-4)
    assert plots.wilson_interval(1.0, 359)[1] == pytest.approx(1.0)


def test_a_failed_claim_is_said_in_the_section():
    summary = {"summary": {"learned": {"share_above_0.9": 0.7}}}
    assert not claims_module.separability(summary)[0]["holds"]
    lines = claims_module.findings(claims_module.separability(summary))
    assert lines[0].startswith("- Did not hold in this run: most learned")


def test_ratio_is_nan_not_a_crash_when_no_gradient_reaches_the_top():
    assert math.isnan(flow.first_to_last([1e-3, 0.5, 0.0]))
    assert flow.first_to_last([2.0, 1.0]) == 2.0
    # The slope is fitted over the depths where the ratio exists.
    assert flow.fit_log_slope([4, 8, 16], [0.5 ** 4, float("nan"), 0.5 ** 16]) == \
        pytest.approx(math.log(0.5))
    assert math.isnan(flow.fit_log_slope([4, 8], [float("nan"), 0.0]))


def test_minigrad_report_names_itself_and_shows_its_defaults_and_version(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"], prog="minigrad-report", implied=["report"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert text.startswith("usage: minigrad-report [-h] [--quick | --full]")
    assert "(default: 0)" in text and "python -m minigrad.analysis" not in text
    with pytest.raises(SystemExit):
        cli.main(["--version"], prog="minigrad-report", implied=["report"])
    assert capsys.readouterr().out.strip() == f"minigrad {mg.__version__}"
    with pytest.raises(SystemExit) as done:
        cli.main(["--bogus"], prog="minigrad-report", implied=["report"])
    assert done.value.code == 2
    assert capsys.readouterr().err.startswith("minigrad-report: error: unrecognized arguments")
