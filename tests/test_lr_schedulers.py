"""minigrad.optim.lr_scheduler: every scheduler's lr sequence against its closed form (worked
out by hand below) and, when torch is installed, against torch.optim.lr_scheduler over 200
steps; chained schedulers and an lr set by hand; checkpoints that resume exactly (also through
mg.save / mg.load); bad arguments."""

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
        None),
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


@pytest.mark.parametrize("name", sorted(name for name in CASES if CASES[name][1] is not None))
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
