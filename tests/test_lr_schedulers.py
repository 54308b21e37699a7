"""minigrad.optim.lr_scheduler: every scheduler's lr sequence against its closed form (worked
out by hand below) and, when torch is installed, against torch.optim.lr_scheduler over 200
steps; chained schedulers and an lr set by hand; checkpoints that resume exactly (also through
mg.save / mg.load); bad arguments."""

import inspect
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.optim import lr_scheduler

STEPS = 200
BASE_LRS = (0.1, 0.04)  # two param groups, so per-group settings are exercised


def make_optimizer(lib, kind="SGD"):
    """An optimizer of `lib` (minigrad or torch) over two param groups with BASE_LRS."""
    params = [lib.nn.Parameter(lib.ones(2, dtype=lib.float64)) for _ in BASE_LRS]
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, BASE_LRS)]
    if kind == "Adam":
        return lib.optim.Adam(groups, lr=BASE_LRS[0], betas=(0.9, 0.99))
    return lib.optim.SGD(groups, lr=BASE_LRS[0], momentum=0.9)


def momentum_of(group):
    return group["betas"][0] if "betas" in group else group["momentum"]


def run(lib, make, steps=STEPS, kind="SGD", hand_set_warmup=False):
    """The lr of each group (and the momentum) seen by each of `steps` optimizer steps, the
    scheduler stepped after each; `make(lr_scheduler_module, optimizer)` builds it."""
    opt = make_optimizer(lib, kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: "Detected call of lr_scheduler.step() ..."
        scheduler = make(lib.optim.lr_scheduler, opt)
        if hand_set_warmup:
            for group in opt.param_groups:
                group["lr"] = group["lr"] / 10  # epoch 0 at a tenth, set by hand
        lrs, momenta = [], []
        for epoch in range(steps):
            if hand_set_warmup and epoch == 1:
                for group, base in zip(opt.param_groups, BASE_LRS):
                    group["lr"] = base  # warm-up over
            lrs.append([g["lr"] for g in opt.param_groups])
            momenta.append([momentum_of(g) for g in opt.param_groups])
            assert scheduler.get_last_lr() == lrs[-1] or hand_set_warmup
            opt.step()
            scheduler.step()
    return np.array(lrs), np.array(momenta)


def cosine(base, eta_min, fraction):
    return eta_min + (base - eta_min) * (1 + np.cos(np.pi * fraction)) / 2


def warm_restarts(base, t, T_0, T_mult, eta_min):
    """SGDR by counting periods: T_0, T_0 * T_mult, ..."""
    period = T_0
    while t >= period:
        t, period = t - period, period * T_mult
    return cosine(base, eta_min, t / period)


def one_cycle(base, t, total, pct=0.3, div=25.0, final_div=1e4):
    """Two phases, cosine: up from max/div to max over pct * total - 1 steps, then down to
    max/div/final_div at step total - 1. `base` is max_lr."""
    start, low, turn = base / div, base / div / final_div, pct * total - 1
    if t <= turn:
        return cosine(start, base, t / turn)
    return cosine(base, low, (t - turn) / (total - 1 - turn))


def triangle(base, t, scale=1.0):
    """CyclicLR from base / 10 up to base over 15 steps and down over 25, times `scale`."""
    place = t % 40
    up = np.where(place <= 15, place / 15, (40 - place) / 25)
    return base / 10 + (base - base / 10) * up * scale


t = np.arange(STEPS)
# name: (make(S, optimizer), closed form of (base_lr, epoch array)), every case over STEPS steps
CASES = {
    "StepLR": (lambda S, o: S.StepLR(o, step_size=30, gamma=0.5),
               lambda b, t: b * 0.5 ** (t // 30)),
    "MultiStepLR": (lambda S, o: S.MultiStepLR(o, milestones=[50, 120, 120], gamma=0.1),
                    lambda b, t: b * 0.1 ** ((t >= 50) + 2 * (t >= 120))),
    "ExponentialLR": (lambda S, o: S.ExponentialLR(o, gamma=0.97),
                      lambda b, t: b * 0.97 ** t),
    "ConstantLR": (lambda S, o: S.ConstantLR(o),
                   lambda b, t: b * np.where(t < 5, 1 / 3, 1.0)),
    "LinearLR": (lambda S, o: S.LinearLR(o),
                 lambda b, t: b * (1 / 3 + 2 / 3 * np.minimum(t, 5) / 5)),
    "LinearLR_down": (lambda S, o: S.LinearLR(o, start_factor=1.0, end_factor=0.05,
                                              total_iters=150),
                      lambda b, t: b * (1 - 0.95 * np.minimum(t, 150) / 150)),
    "PolynomialLR": (lambda S, o: S.PolynomialLR(o, total_iters=120, power=2.0),
                     lambda b, t: b * (1 - np.minimum(t, 120) / 120) ** 2),
    "LambdaLR": (lambda S, o: S.LambdaLR(o, lr_lambda=lambda e: 1 / (1 + e) ** 0.5),
                 lambda b, t: b / np.sqrt(1 + t)),
    "MultiplicativeLR": (lambda S, o: S.MultiplicativeLR(o, lr_lambda=lambda e: 0.99),
                         lambda b, t: b * 0.99 ** t),
    "CosineAnnealingLR": (lambda S, o: S.CosineAnnealingLR(o, T_max=70, eta_min=0.001),
                          lambda b, t: cosine(b, 0.001, t / 70)),
    "CosineAnnealingWarmRestarts": (
        lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=0.001),
        lambda b, t: np.array([warm_restarts(b, e, 10, 2, 0.001) for e in t])),
    "CosineAnnealingWarmRestarts_T_mult_1": (
        lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=7),
        lambda b, t: cosine(b, 0.0, (t % 7) / 7)),
    "OneCycleLR": (lambda S, o: S.OneCycleLR(o, max_lr=list(BASE_LRS), total_steps=STEPS),
                   lambda b, t: np.array([one_cycle(b, e, STEPS) for e in t])),
    "OneCycleLR_three_phase_linear": (
        lambda S, o: S.OneCycleLR(o, max_lr=0.5, epochs=20, steps_per_epoch=10,
                                  anneal_strategy="linear", three_phase=True),
        # max_lr 0.5 for both groups: up from 0.02 until step 59, down to 0.02 at step 118,
        # then to 0.02 / 1e4 at step 199, along straight lines
        lambda b, t: np.select([t <= 59, t <= 118],
                               [0.02 + 0.48 * t / 59, 0.5 - 0.48 * (t - 59) / 59],
                               0.02 - (0.02 - 2e-6) * (t - 118) / 81)),
    "CyclicLR": (lambda S, o: S.CyclicLR(o, base_lr=[b / 10 for b in BASE_LRS],
                                         max_lr=list(BASE_LRS), step_size_up=15,
                                         step_size_down=25),
                 lambda b, t: triangle(b, t)),
    "CyclicLR_triangular2": (
        lambda S, o: S.CyclicLR(o, base_lr=[b / 10 for b in BASE_LRS], max_lr=list(BASE_LRS),
                                step_size_up=15, step_size_down=25, mode="triangular2"),
        lambda b, t: triangle(b, t, 0.5 ** (t // 40))),
    "CyclicLR_exp_range": (
        lambda S, o: S.CyclicLR(o, base_lr=[b / 10 for b in BASE_LRS], max_lr=list(BASE_LRS),
                                step_size_up=15, step_size_down=25, mode="exp_range",
                                gamma=0.99),
        lambda b, t: triangle(b, t, 0.99 ** t)),
    "CyclicLR_scale_fn": (
        lambda S, o: S.CyclicLR(o, base_lr=[b / 10 for b in BASE_LRS], max_lr=list(BASE_LRS),
                                step_size_up=15, step_size_down=25,
                                scale_fn=lambda x: 1 / x, scale_mode="cycle"),
        lambda b, t: triangle(b, t, 1 / (1 + t // 40))),
    "SequentialLR": (
        lambda S, o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=10),
                                        S.CosineAnnealingLR(o, T_max=190)], milestones=[10]),
        lambda b, t: np.where(t < 10, b * (0.1 + 0.9 * t / 10), cosine(b, 0.0, (t - 10) / 190))),
    "SequentialLR_three": (
        lambda S, o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.5, total_iters=100),
                                        S.ExponentialLR(o, gamma=0.9),
                                        S.StepLR(o, step_size=10)], milestones=[5, 60]),
        lambda b, t: np.select([t < 5, t < 60], [b * 0.5, b * 0.9 ** (t - 5)],
                               b * 0.1 ** ((t - 60) // 10))),
    "ChainedScheduler": (
        lambda S, o: S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=3),
                                         S.ExponentialLR(o, gamma=0.98)]),
        lambda b, t: b * 0.98 ** t * np.where(t < 3, 0.5, 1.0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_lrs_follow_the_closed_form(name):
    make, closed_form = CASES[name]
    lrs, _ = run(mg, make)
    for group, base in enumerate(BASE_LRS):
        np.testing.assert_allclose(lrs[:, group], closed_form(base, t), rtol=1e-12, atol=1e-16)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("kind", ["SGD", "Adam"])
def test_lrs_and_momenta_match_torch(name, kind):
    torch = pytest.importorskip("torch")
    make = CASES[name][0]
    ours, our_momenta = run(mg, make, kind=kind)
    theirs, their_momenta = run(torch, make, kind=kind)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(our_momenta, their_momenta)


def test_one_cycle_by_hand():
    # max_lr 1, total 10, pct 0.3: up over steps 0..2 from 0.04, then down to 4e-6 at step 9
    opt = make_optimizer(mg)
    scheduler = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    lrs, momenta = [], []
    for _ in range(10):
        lrs.append(opt.param_groups[0]["lr"])
        momenta.append(opt.param_groups[0]["momentum"])
        scheduler.step()
    assert lrs[0] == pytest.approx(0.04) and lrs[2] == pytest.approx(1.0)
    assert lrs[1] == pytest.approx(0.04 + 0.96 / 2)  # halfway up the cosine
    assert lrs[9] == pytest.approx(4e-6)
    assert momenta[0] == pytest.approx(0.95) and momenta[2] == pytest.approx(0.85)
    assert momenta[9] == pytest.approx(0.95)
    assert opt.param_groups[0]["max_lr"] == 1.0 and opt.param_groups[0]["min_lr"] == 4e-6


def test_one_cycle_refuses_to_step_past_total_steps():
    opt = make_optimizer(mg, "Adam")
    scheduler = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        scheduler.step()  # the step to epoch total_steps is allowed, as in torch
    with pytest.raises(ValueError, match="OneCycleLR: stepped 4 times, but total_steps is 3"):
        scheduler.step()
    assert opt.param_groups[0]["betas"][1] == 0.99  # only beta1 is cycled


def test_one_cycle_past_total_steps_is_torch_error_type():
    torch = pytest.importorskip("torch")
    opt = make_optimizer(torch)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(3):
            scheduler.step()
        with pytest.raises(ValueError):
            scheduler.step()


# ----- a hand-set lr, chained schedulers -----------------------------------------------------

CHAINS = {
    "exponential_and_step": lambda S, o: S.ChainedScheduler([S.ExponentialLR(o, gamma=0.99),
                                                             S.StepLR(o, step_size=50)]),
    "two_schedulers_stepped_by_hand": lambda S, o: _Both(S.ExponentialLR(o, gamma=0.99),
                                                         S.StepLR(o, step_size=50)),
    "sequential_linear_cosine": CASES["SequentialLR"][0],
    "multiplicative": CASES["MultiplicativeLR"][0],
    "cosine": CASES["CosineAnnealingLR"][0],
}


class _Both:
    """Two schedulers on one optimizer, each stepped in turn by the training loop."""

    def __init__(self, first, second):
        self.schedulers = first, second

    def step(self):
        for scheduler in self.schedulers:
            scheduler.step()

    def get_last_lr(self):
        return self.schedulers[-1].get_last_lr()


def test_a_hand_set_lr_is_kept_and_chained_schedulers_compose():
    lrs, _ = run(mg, CHAINS["two_schedulers_stepped_by_hand"], hand_set_warmup=True)
    base = np.array(BASE_LRS)
    np.testing.assert_allclose(lrs[0], base / 10)  # the hand-set warm-up
    np.testing.assert_array_equal(lrs[1], base)  # set back by hand, not overwritten
    np.testing.assert_allclose(lrs[2], base * 0.99, rtol=1e-15)  # stepped from there
    np.testing.assert_allclose(lrs[120], base * 0.99 ** 119 * 0.1 ** 2, rtol=1e-12)
    chained, _ = run(mg, CHAINS["exponential_and_step"], hand_set_warmup=True)
    np.testing.assert_array_equal(chained, lrs)


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_a_hand_set_lr_and_chains_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, _ = run(mg, CHAINS[name], hand_set_warmup=True)
    theirs, _ = run(torch, CHAINS[name], hand_set_warmup=True)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0)


# ----- ReduceLROnPlateau ----------------------------------------------------------------------

# A validation loss that improves, stalls, improves a little (less than the threshold) ...
METRICS = [1.0, 0.8, 0.8, 0.81, 0.79995, 0.9, 0.7, 0.7, 0.7, 0.7, 0.7, 0.69, 0.7, 0.7, 0.7,
           0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.5, 0.5, 0.5, 0.5]
PLATEAUS = {
    "defaults": dict(),
    "patience_2_cooldown_1": dict(patience=2, cooldown=1),
    "max_abs_min_lr_per_group": dict(mode="max", patience=0, threshold=0.05,
                                     threshold_mode="abs", min_lr=[1e-3, 1e-5], factor=0.5),
    "patience_0_eps": dict(patience=0, factor=0.5, eps=3e-4),
}


def run_plateau(lib, kwargs, metrics=METRICS * 8):
    opt = make_optimizer(lib)
    scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    lrs = []
    for value in metrics:
        opt.step()
        scheduler.step(lib.tensor(value))  # a 0-d tensor, as a loss is
        lrs.append(scheduler.get_last_lr())
        assert lrs[-1] == [g["lr"] for g in opt.param_groups]
    return np.array(lrs)


def test_reduce_lr_on_plateau_by_hand():
    lrs = run_plateau(mg, dict(patience=2, cooldown=1), metrics=METRICS[:12])[:, 0]
    # best 1.0, 0.8; then 0.8, 0.81, 0.79995 (not below 0.8 * (1 - 1e-4)) are 3 bad epochs > 2:
    # cut after the 5th value; the cooldown epoch (0.9) does not count; 0.7 is a new best, then
    # 4 equal values: the 3rd of them is bad epoch 3 > 2, cut again (at the 10th value).
    expected = [0.1] * 4 + [0.01] * 5 + [0.001] * 3
    np.testing.assert_allclose(lrs, expected, rtol=1e-15)


def test_reduce_lr_on_plateau_respects_min_lr_and_eps():
    lrs = run_plateau(mg, dict(mode="max", patience=0, factor=0.5, min_lr=[0.03, 0.0],
                               eps=0.004), metrics=[1.0] * 6)
    # mode max, every epoch after the first is bad: halve each time, but group 0 stops at
    # 0.03 (0.1, 0.05, 0.03) and group 1 stops when a cut would be < eps (0.04, 0.02, 0.01,
    # 0.005: its next cut, 0.0025, is smaller than 0.004)
    np.testing.assert_allclose(lrs, [[0.1, 0.04], [0.05, 0.02], [0.03, 0.01], [0.03, 0.005],
                                     [0.03, 0.005], [0.03, 0.005]], rtol=1e-15)


@pytest.mark.parametrize("name", sorted(PLATEAUS))
def test_reduce_lr_on_plateau_matches_torch(name):
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(run_plateau(mg, PLATEAUS[name]),
                                  run_plateau(torch, PLATEAUS[name]))


# ----- warm restarts with fractional epochs, step(epoch) ---------------------------------------

def run_fractional(lib, T_mult, epochs=40, batches=7):
    """CosineAnnealingWarmRestarts stepped once per batch with epoch + i / batches."""
    opt = make_optimizer(lib)
    scheduler = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=T_mult,
                                                                   eta_min=1e-4)
    lrs = []
    for epoch in range(epochs):
        for i in range(batches):
            opt.step()
            scheduler.step(epoch + i / batches)
            lrs.append(scheduler.get_last_lr())
    assert scheduler.last_epoch == epochs - 1
    return np.array(lrs)


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_with_fractional_epochs(T_mult):
    lrs = run_fractional(mg, T_mult)
    epochs = np.arange(40 * 7) / 7
    for group, base in enumerate(BASE_LRS):
        expected = [warm_restarts(base, e, 3, T_mult, 1e-4) for e in epochs]
        np.testing.assert_allclose(lrs[:, group], expected, rtol=1e-9)


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_with_fractional_epochs_match_torch(T_mult):
    torch = pytest.importorskip("torch")
    np.testing.assert_allclose(run_fractional(mg, T_mult), run_fractional(torch, T_mult),
                               rtol=1e-12, atol=0)


def run_explicit_epochs(lib, make, epochs=(1, 2, 5, 3, 9, 9, 40, 41)):
    opt = make_optimizer(lib)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = make(lib.optim.lr_scheduler, opt)
        lrs = []
        for epoch in epochs:
            opt.step()
            scheduler.step(epoch)
            lrs.append(scheduler.get_last_lr())
    return np.array(lrs)


EXPLICIT = ["StepLR", "MultiStepLR", "ExponentialLR", "ConstantLR", "LinearLR", "PolynomialLR",
            "LambdaLR", "MultiplicativeLR", "CosineAnnealingLR", "OneCycleLR"]


def test_step_with_an_epoch_warns_and_uses_the_closed_form():
    opt = make_optimizer(mg)
    scheduler = lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    opt.param_groups[0]["lr"] = 7.0  # a closed form overwrites this
    with pytest.warns(UserWarning, match=r"StepLR.step\(epoch\) is deprecated"):
        scheduler.step(7)
    assert scheduler.last_epoch == 7
    np.testing.assert_allclose(scheduler.get_last_lr(), np.array(BASE_LRS) * 0.25, rtol=1e-15)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler.step()  # no warning without an epoch
    assert scheduler.last_epoch == 8


@pytest.mark.parametrize("name", EXPLICIT)
def test_step_with_an_epoch_matches_torch(name):
    torch = pytest.importorskip("torch")
    make = CASES[name][0]
    np.testing.assert_allclose(run_explicit_epochs(mg, make), run_explicit_epochs(torch, make),
                               rtol=1e-12, atol=0)


# ----- checkpoints -----------------------------------------------------------------------------

def checkpoint_then_resume(make, tmp_path, stop=77, steps=STEPS):
    """Run `stop` steps, save optimizer and scheduler with mg.save, load them into a fresh
    pair made the same way, and run on: the lrs seen after the stop."""
    opt = make_optimizer(mg, "Adam")
    scheduler = make(lr_scheduler, opt)
    for _ in range(stop):
        opt.step()
        scheduler.step()
    path = tmp_path / "checkpoint.npz"
    mg.save({"optimizer": opt.state_dict(), "scheduler": scheduler.state_dict()}, str(path))
    checkpoint = mg.load(str(path))
    resumed_opt = make_optimizer(mg, "Adam")
    resumed = make(lr_scheduler, resumed_opt)
    resumed_opt.load_state_dict(checkpoint["optimizer"])
    resumed.load_state_dict(checkpoint["scheduler"])
    lrs = []
    for _ in range(steps - stop):
        lrs.append([g["lr"] for g in resumed_opt.param_groups]
                   + [g["betas"][0] for g in resumed_opt.param_groups])
        resumed_opt.step()
        resumed.step()
    return np.array(lrs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_checkpoint_through_a_file_resumes_exactly(name, tmp_path):
    make = CASES[name][0]
    lrs, momenta = run(mg, make, kind="Adam")
    resumed = checkpoint_then_resume(make, tmp_path)
    np.testing.assert_array_equal(resumed, np.hstack([lrs, momenta])[77:])


def test_a_reduce_lr_on_plateau_checkpoint_resumes_exactly(tmp_path):
    straight = run_plateau(mg, dict(patience=1, cooldown=2))
    opt = make_optimizer(mg)
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, patience=1, cooldown=2)
    stop = 30
    for value in (METRICS * 8)[:stop]:
        opt.step()
        scheduler.step(value)
    mg.save({"opt": opt.state_dict(), "sched": scheduler.state_dict()}, str(tmp_path / "c"))
    checkpoint = mg.load(str(tmp_path / "c"))
    assert checkpoint["sched"]["best"] == scheduler.best
    opt = make_optimizer(mg)
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, patience=1, cooldown=2)
    opt.load_state_dict(checkpoint["opt"])
    scheduler.load_state_dict(checkpoint["sched"])
    resumed = []
    for value in (METRICS * 8)[stop:]:
        opt.step()
        scheduler.step(value)
        resumed.append(scheduler.get_last_lr())
    np.testing.assert_array_equal(resumed, straight[stop:])


class WarmUp:
    """A callable object with state: its __dict__ is what LambdaLR's state_dict keeps."""

    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.epochs)


def test_lambda_lr_state_dict_keeps_callable_objects_not_functions(tmp_path):
    opt = make_optimizer(mg)
    scheduler = lr_scheduler.LambdaLR(opt, [WarmUp(10), lambda epoch: 0.9 ** epoch])
    for _ in range(3):
        scheduler.step()
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [{"epochs": 10}, None]  # as torch: a function is not saved
    mg.save(state, str(tmp_path / "s.npz"))
    other = lr_scheduler.LambdaLR(make_optimizer(mg), [WarmUp(4), lambda epoch: 0.9 ** epoch])
    other.load_state_dict(mg.load(str(tmp_path / "s.npz")))
    assert other.lr_lambdas[0].epochs == 10 and other.last_epoch == 3
    scheduler.step()
    other.step()
    assert other.get_last_lr() == scheduler.get_last_lr()
    assert callable(other.lr_lambdas[1])  # the function it was made with


def test_last_epoch_resumes_as_torch():
    def resumed(lib):
        opt = make_optimizer(lib)
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"] * 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schedulers = [lib.optim.lr_scheduler.StepLR(opt, step_size=3, last_epoch=4),
                          lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4,
                                                                            last_epoch=6)]
            lrs = []
            for _ in range(10):
                for scheduler in schedulers:
                    scheduler.step()
                lrs.append([g["lr"] for g in opt.param_groups])
        return np.array(lrs), [s.last_epoch for s in schedulers]

    ours, epochs = resumed(mg)
    assert epochs == [15, 17]  # the step __init__ takes goes to last_epoch + 1, as torch
    torch = pytest.importorskip("torch")
    theirs, their_epochs = resumed(torch)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0)
    assert epochs == their_epochs


def test_last_epoch_needs_initial_lr():
    with pytest.raises(KeyError, match=r"param_groups\[0\] has no 'initial_lr'"):
        lr_scheduler.ExponentialLR(make_optimizer(mg), gamma=0.9, last_epoch=3)
    with pytest.raises(TypeError, match="ExponentialLR: last_epoch must be an int, got 2.5"):
        lr_scheduler.ExponentialLR(make_optimizer(mg), gamma=0.9, last_epoch=2.5)
    with pytest.raises(ValueError, match="StepLR: last_epoch must be >= -1, got -2"):
        lr_scheduler.StepLR(make_optimizer(mg), step_size=2, last_epoch=-2)


# ----- bad arguments ---------------------------------------------------------------------------

# name: (make(S, optimizer, another optimizer), exception type, what minigrad's message says)
BAD = {
    "not_an_optimizer": (lambda S, o, p: S.ExponentialLR("sgd", gamma=0.9), TypeError,
                         "ExponentialLR: expected an Optimizer"),
    "plateau_not_an_optimizer": (lambda S, o, p: S.ReduceLROnPlateau(3), TypeError,
                                 "ReduceLROnPlateau: expected an Optimizer"),
    "one_cycle_not_an_optimizer": (lambda S, o, p: S.OneCycleLR(None, 1.0, total_steps=9),
                                   TypeError, "OneCycleLR: expected an Optimizer"),
    "negative_T_0": (lambda S, o, p: S.CosineAnnealingWarmRestarts(o, T_0=-1), ValueError,
                     "T_0 must be a positive int, got -1"),
    "fractional_T_0": (lambda S, o, p: S.CosineAnnealingWarmRestarts(o, T_0=2.5), ValueError,
                       "T_0 must be a positive int"),
    "T_mult_0": (lambda S, o, p: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), ValueError,
                 "T_mult must be an int >= 1"),
    "eta_min_str": (lambda S, o, p: S.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"),
                    ValueError, "eta_min must be a float or int"),
    "negative_fractional_epoch": (
        lambda S, o, p: S.CosineAnnealingWarmRestarts(o, T_0=2).step(-0.5), ValueError,
        "epoch must be >= 0"),
    "mode_avg": (lambda S, o, p: S.ReduceLROnPlateau(o, mode="avg"), ValueError,
                 "mode must be 'min' or 'max', got 'avg'"),
    "threshold_mode": (lambda S, o, p: S.ReduceLROnPlateau(o, threshold_mode="relative"),
                       ValueError, "threshold_mode must be 'rel' or 'abs'"),
    "factor_1": (lambda S, o, p: S.ReduceLROnPlateau(o, factor=1.0), ValueError,
                 "factor must be < 1.0"),
    "min_lr_per_group": (lambda S, o, p: S.ReduceLROnPlateau(o, min_lr=[0, 0, 0]), ValueError,
                         "min_lr has 3 values, but the optimizer has 2 param groups"),
    "metric_str": (lambda S, o, p: S.ReduceLROnPlateau(o).step("low"), ValueError,
                   "metrics must be a number"),
    "metric_none": (lambda S, o, p: S.ReduceLROnPlateau(o).step(None), TypeError,
                    "metrics must be a number"),
    "start_factor_0": (lambda S, o, p: S.LinearLR(o, start_factor=0), ValueError,
                       r"start_factor must be in \(0, 1\]"),
    "end_factor": (lambda S, o, p: S.LinearLR(o, end_factor=1.5), ValueError,
                   r"end_factor must be in \[0, 1\]"),
    "constant_factor": (lambda S, o, p: S.ConstantLR(o, factor=2), ValueError,
                        r"factor must be in \[0, 1\]"),
    "lambdas_per_group": (lambda S, o, p: S.LambdaLR(o, [lambda e: 1.0]), ValueError,
                          "got 1 lr_lambdas for 2 param groups"),
    "lambda_not_callable": (lambda S, o, p: S.LambdaLR(o, 0.5), TypeError,
                            "lr_lambda must be a function"),
    "multiplicative_not_callable": (lambda S, o, p: S.MultiplicativeLR(o, 0.5), TypeError,
                                    "MultiplicativeLR: lr_lambda must be a function"),
    "milestones_int": (lambda S, o, p: S.MultiStepLR(o, milestones=30), TypeError,
                       "milestones must be a list of ints"),
    "one_cycle_no_length": (lambda S, o, p: S.OneCycleLR(o, 1.0), ValueError,
                            "give total_steps, or both epochs and steps_per_epoch"),
    "one_cycle_total_0": (lambda S, o, p: S.OneCycleLR(o, 1.0, total_steps=0), ValueError,
                          "total_steps must be a positive int"),
    "one_cycle_epochs_0": (lambda S, o, p: S.OneCycleLR(o, 1.0, epochs=0, steps_per_epoch=3),
                           ValueError, "epochs must be a positive int"),
    "one_cycle_pct": (lambda S, o, p: S.OneCycleLR(o, 1.0, total_steps=9, pct_start=1.5),
                      ValueError, r"pct_start must be a float in \[0, 1\]"),
    "one_cycle_anneal": (lambda S, o, p: S.OneCycleLR(o, 1.0, total_steps=9,
                                                      anneal_strategy="exp"),
                         ValueError, "anneal_strategy must be 'cos' or 'linear'"),
    "one_cycle_max_lr_per_group": (lambda S, o, p: S.OneCycleLR(o, [1.0], total_steps=9),
                                   ValueError, "max_lr has 1 values"),
    "cyclic_mode": (lambda S, o, p: S.CyclicLR(o, 0.01, 0.1, mode="triangle"), ValueError,
                    "mode must be one of"),
    "cyclic_max_lr_per_group": (lambda S, o, p: S.CyclicLR(o, 0.01, [0.1, 0.1, 0.1]),
                                ValueError, "max_lr has 3 values"),
    "one_cycle_empty_phase": (lambda S, o, p: S.OneCycleLR(o, 1.0, total_steps=10,
                                                           pct_start=0.1),
                              ZeroDivisionError, "phase 1 of the cycle is 0 steps long"),
    "sequential_empty": (lambda S, o, p: S.SequentialLR(o, [], []), ValueError,
                         "at least one scheduler"),
    "sequential_milestone_count": (
        lambda S, o, p: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3)], []), ValueError,
        "one milestone fewer than schedulers"),
    "sequential_other_optimizer": (lambda S, o, p: S.SequentialLR(o, [S.StepLR(p, 2)], []),
                                   ValueError, "belongs to another optimizer"),
    "sequential_not_a_scheduler": (lambda S, o, p: S.SequentialLR(o, [3], []), TypeError,
                                   r"schedulers\[0\] has no .optimizer: .* got int"),
    "sequential_plateau": (lambda S, o, p: S.SequentialLR(o, [S.ReduceLROnPlateau(o)], []),
                           ValueError, "is a ReduceLROnPlateau"),
    "chained_empty": (lambda S, o, p: S.ChainedScheduler([]), ValueError,
                      "at least one scheduler"),
    "chained_other_optimizer": (
        lambda S, o, p: S.ChainedScheduler([S.StepLR(o, 2), S.StepLR(p, 2)]), ValueError,
        r"schedulers\[1\] \(StepLR\) belongs to another optimizer"),
    "chained_plateau": (
        lambda S, o, p: S.ChainedScheduler([S.StepLR(o, 2), S.ReduceLROnPlateau(o)]),
        ValueError, "is a ReduceLROnPlateau"),
}
# Deliberate differences (docs/pytorch.md): PyTorch accepts these and fails later or silently.
BAD_IN_MINIGRAD_ONLY = {
    "sequential_milestones_decrease": (
        lambda S, o, p: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3), S.StepLR(o, 4)],
                                       milestones=[10, 5]),
        ValueError, r"milestones must be increasing, got \[10, 5\]"),
    "cyclic_step_size_up_0": (lambda S, o, p: S.CyclicLR(o, 0.01, 0.1, step_size_up=0),
                              ValueError, "step_size_up must be > 0"),
    "cyclic_scale_mode": (lambda S, o, p: S.CyclicLR(o, 0.01, 0.1, scale_fn=abs,
                                                     scale_mode="iteration"),
                          ValueError, "scale_mode must be 'cycle' or 'iterations'"),
    "step_size_0": (lambda S, o, p: S.StepLR(o, step_size=0), ValueError,
                    "StepLR: step_size must be a positive int, got 0"),
    "T_max_0": (lambda S, o, p: S.CosineAnnealingLR(o, T_max=0), ValueError,
                "CosineAnnealingLR: T_max must be a positive int, got 0"),
}


@pytest.mark.parametrize("name", sorted(BAD) + sorted(BAD_IN_MINIGRAD_ONLY))
def test_bad_arguments_raise_a_clear_error(name):
    make, error, message = {**BAD, **BAD_IN_MINIGRAD_ONLY}[name]
    with pytest.raises(error, match=message):
        make(lr_scheduler, make_optimizer(mg), make_optimizer(mg))


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_arguments_raise_torch_exception_type(name):
    torch = pytest.importorskip("torch")
    make, error, _ = BAD[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error):
            make(torch.optim.lr_scheduler, make_optimizer(torch), make_optimizer(torch))


class NoMomentum(mg.optim.Optimizer):
    """An optimizer with neither momentum nor betas."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, {"lr": lr})

    def _update(self, param, grad, state, group):
        param._array -= group["lr"] * grad


@pytest.mark.parametrize("make, halfway_up", [
    (lambda o, **cycle: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10, **cycle),
     0.004 + 0.096 / 2),  # from 0.1 / 25 to 0.1 over steps 0 .. 2
    (lambda o, **cycle: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2,
                                              **cycle),
     0.01 + 0.09 / 2),
])
def test_cycle_momentum_needs_a_momentum(make, halfway_up):
    opt = NoMomentum([mg.nn.Parameter(mg.ones(2))])
    with pytest.raises(ValueError, match="cycle_momentum=True needs an optimizer with momentum"):
        make(opt)
    scheduler = make(opt, cycle_momentum=False)
    scheduler.step()
    assert scheduler.get_last_lr() == [pytest.approx(halfway_up, rel=1e-12)]
    assert "momentum" not in opt.param_groups[0]


def test_every_torch_scheduler_is_here_with_its_signature():
    torch = pytest.importorskip("torch")
    for name in torch.optim.lr_scheduler.__all__:
        theirs = inspect.signature(getattr(torch.optim.lr_scheduler, name))
        ours = inspect.signature(getattr(lr_scheduler, name))
        assert [(p.name, p.default) for p in ours.parameters.values()] == [
            (p.name, p.default) for p in theirs.parameters.values()], name
