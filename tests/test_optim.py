"""minigrad.optim: each update rule against a step worked out by hand, checkpoints that resume
exactly, learning-rate schedules, and (when torch is installed) torch.optim itself."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.optim import lr_scheduler

GRAD_1 = np.array([0.5, -1.0])
GRAD_2 = np.array([0.2, 0.4])


def run_two_steps(make_optimizer, start=(1.0, -2.0)):
    """Two steps of an optimizer on one float64 parameter with the gradients set by hand;
    returns the parameter after each step."""
    p = nn.Parameter(np.array(start, dtype=np.float64))
    opt = make_optimizer([p])
    after = []
    for grad in (GRAD_1, GRAD_2):
        p.grad = grad.copy()
        opt.step()
        after.append(p.detach().numpy().copy())
    return after


# ----- update rules, by hand --------------------------------------------------------------


def test_plain_sgd_is_p_minus_lr_g():
    step1, step2 = run_two_steps(lambda ps: optim.SGD(ps, lr=0.1))
    # p1 = [1, -2] - 0.1 * [0.5, -1] = [0.95, -1.9];  p2 = p1 - 0.1 * [0.2, 0.4] = [0.93, -1.94]
    np.testing.assert_allclose(step1, [0.95, -1.9], rtol=1e-12)
    np.testing.assert_allclose(step2, [0.93, -1.94], rtol=1e-12)


def test_sgd_momentum_with_weight_decay_by_hand():
    step1, step2 = run_two_steps(
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1))
    # Step 1: d = g + 0.1 p = [0.5 + 0.1, -1.0 - 0.2] = [0.6, -1.2]; the buffer starts AT d
    # (no 0.9 * 0 + ... blend): buf = [0.6, -1.2];  p1 = [1 - 0.06, -2 + 0.12] = [0.94, -1.88]
    np.testing.assert_allclose(step1, [0.94, -1.88], rtol=1e-12)
    # Step 2: d = [0.2 + 0.094, 0.4 - 0.188] = [0.294, 0.212];
    # buf = 0.9 * [0.6, -1.2] + d = [0.834, -0.868];  p2 = p1 - 0.1 * buf = [0.8566, -1.7932]
    np.testing.assert_allclose(step2, [0.8566, -1.7932], rtol=1e-12)


def test_sgd_dampening_skips_the_first_step():
    step1, step2 = run_two_steps(
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.5))
    # Step 1: buf = g = [0.5, -1.0] (undamped);  p1 = [0.95, -1.9]
    # Step 2: buf = 0.9 * [0.5, -1.0] + 0.5 * [0.2, 0.4] = [0.55, -0.7];  p2 = [0.895, -1.83]
    np.testing.assert_allclose(step1, [0.95, -1.9], rtol=1e-12)
    np.testing.assert_allclose(step2, [0.895, -1.83], rtol=1e-12)


def test_sgd_nesterov_by_hand():
    step1, step2 = run_two_steps(
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True))
    # Step 1: buf = [0.5, -1.0]; d = g + 0.9 buf = [0.95, -1.9];  p1 = [0.905, -1.81]
    # Step 2: buf = 0.9 * [0.5, -1.0] + [0.2, 0.4] = [0.65, -0.5];
    #         d = [0.2 + 0.585, 0.4 - 0.45] = [0.785, -0.05];  p2 = [0.8265, -1.805]
    np.testing.assert_allclose(step1, [0.905, -1.81], rtol=1e-12)
    np.testing.assert_allclose(step2, [0.8265, -1.805], rtol=1e-12)


# Adam with lr = 0.1, betas = (0.9, 0.999), eps = 1e-8 on GRAD_1 then GRAD_2:
#   step 1: m = 0.1 g1 = [0.05, -0.1], v = 0.001 g1^2 = [0.00025, 0.001],
#           m / (1 - 0.9) = [0.5, -1.0],  v / (1 - 0.999) = [0.25, 1.0]
#   step 2: m = 0.9 [0.05, -0.1] + 0.1 [0.2, 0.4] = [0.065, -0.05]
#           v = 0.999 [0.00025, 0.001] + 0.001 [0.04, 0.16] = [0.00028975, 0.001159]
#           bias corrections 1 - 0.9^2 = 0.19 and 1 - 0.999^2 = 0.001999
ADAM_STEP_1 = 0.1 * np.array([0.5, -1.0]) / (np.sqrt([0.25, 1.0]) + 1e-8)
ADAM_STEP_2 = 0.1 * (np.array([0.065, -0.05]) / 0.19) / (
    np.sqrt(np.array([0.00028975, 0.001159]) / 0.001999) + 1e-8)


def test_adam_by_hand():
    step1, step2 = run_two_steps(lambda ps: optim.Adam(ps, lr=0.1))
    # The first step is lr * sign(g) (up to eps): bias correction makes m_hat = g, v_hat = g^2.
    np.testing.assert_allclose(ADAM_STEP_1, [0.1, -0.1], rtol=1e-7)
    np.testing.assert_allclose(step1, np.array([1.0, -2.0]) - ADAM_STEP_1, rtol=1e-12)
    np.testing.assert_allclose(step2, step1 - ADAM_STEP_2, rtol=1e-12)


def test_adamw_decays_the_weights_not_the_gradient():
    step1, step2 = run_two_steps(lambda ps: optim.AdamW(ps, lr=0.1, weight_decay=0.1))
    # p <- p * (1 - 0.1 * 0.1) = 0.99 p before each Adam step; the moments see g untouched.
    np.testing.assert_allclose(step1, 0.99 * np.array([1.0, -2.0]) - ADAM_STEP_1, rtol=1e-12)
    np.testing.assert_allclose(step2, 0.99 * step1 - ADAM_STEP_2, rtol=1e-12)


def test_adam_weight_decay_is_an_l2_term_in_the_gradient():
    (step1,) = run_two_steps(lambda ps: optim.Adam(ps, lr=0.1, weight_decay=0.1))[:1]
    # g' = g + 0.1 p = [0.6, -1.2]; a first Adam step is lr * g' / (|g'| + eps)
    g = np.array([0.6, -1.2])
    np.testing.assert_allclose(step1, [1.0, -2.0] - 0.1 * g / (np.abs(g) + 1e-8), rtol=1e-12)


# ----- mechanics ----------------------------------------------------------------------------


def test_updates_are_in_place_and_keep_float32():
    layer = nn.Linear(3, 2, generator=np.random.default_rng(0))
    arrays = [p.detach().numpy() for p in layer.parameters()]
    for opt in (optim.SGD(layer.parameters(), lr=0.1, momentum=0.9), optim.Adam(layer.parameters()),
                optim.AdamW(layer.parameters())):
        layer(mg.ones(4, 3)).sum().backward()
        opt.step()
        for p, array in zip(layer.parameters(), arrays):
            assert p.detach().numpy() is array
            assert p.detach().numpy().dtype == np.float32
        assert len(opt.state) == 2
        for state in opt.state.values():
            for value in state.values():  # Tensors, as PyTorch's; the step count too
                assert isinstance(value, mg.Tensor) and value.dtype == mg.float32
        layer.zero_grad()


def test_parameters_without_grad_are_skipped():
    a = nn.Parameter(np.ones(2))
    b = nn.Parameter(np.ones(2))
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = np.ones(2)
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), np.ones(2))
    assert b not in opt.state and a in opt.state
    assert opt.state[a]["step"] == 1


def test_zero_grad_sets_none():
    p = nn.Parameter(np.ones(2))
    p.grad = np.ones(2)
    optim.SGD([p], lr=0.1).zero_grad()
    assert p.grad is None


def test_param_groups_have_their_own_lr():
    a, b = nn.Parameter(np.ones(1)), nn.Parameter(np.ones(1))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.0)
    a.grad, b.grad = np.ones(1), np.ones(1)
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [0.9])
    np.testing.assert_allclose(b.detach().numpy(), [0.5])
    assert opt.param_groups[1]["momentum"] == 0.0


def test_closure_is_called_and_its_loss_returned():
    p = nn.Parameter(np.array([2.0]))
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 4.0
    np.testing.assert_allclose(p.detach().numpy(), [2.0 - 0.25 * 4.0])


@pytest.mark.parametrize("make, message", [
    # PyTorch's messages, after the optimizer's name
    (lambda ps: optim.SGD(ps, lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (lambda ps: optim.SGD(ps, lr=0.1, weight_decay=-1.0), "Invalid weight_decay value: -1.0"),
    (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True), "Nesterov momentum requires"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "Nesterov momentum requires"),
    (lambda ps: optim.Adam(ps, lr=-1.0), "Invalid learning rate"),
    (lambda ps: optim.Adam(ps, betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda ps: optim.Adam(ps, betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (lambda ps: optim.AdamW(ps, eps=-1e-8), "Invalid epsilon value"),
    (lambda ps: optim.Adam(ps, weight_decay=-0.1), "Invalid weight_decay value"),
    (lambda ps: optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda ps: optim.SGD(ps + ps, lr=0.1), "twice in one param group"),
    (lambda ps: optim.SGD([{"params": ps}, {"params": ps}], lr=0.1),
     "more than one parameter group"),
    (lambda ps: optim.SGD([{"params": ps, "lr": -1.0}], lr=0.1), "Invalid learning rate: -1.0"),
])
def test_invalid_settings_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make([nn.Parameter(np.ones(2))])


def test_non_leaf_and_non_tensor_params_are_refused():
    p = nn.Parameter(np.ones(2))
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.raises(TypeError, match="Tensors"):
        optim.SGD([np.ones(2)], lr=0.1)
    with pytest.raises(TypeError, match="iterable"):
        optim.SGD(p, lr=0.1)


# ----- checkpoints ----------------------------------------------------------------------------

OPTIMIZERS = {
    "sgd_nesterov": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True,
                                         weight_decay=1e-3),
    "adam": lambda ps: optim.Adam(ps, lr=0.01, weight_decay=1e-3),
    "adamw": lambda ps: optim.AdamW(ps, lr=0.01),
}


def make_model(seed):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(4, 8, generator=rng), nn.Tanh(), nn.Linear(8, 3, generator=rng))


def train(model, opt, scheduler, steps, first_step):
    """A few deterministic steps (the data depend only on the step number)."""
    for step in range(first_step, first_step + steps):
        rng = np.random.default_rng(100 + step)
        x = mg.tensor(rng.standard_normal((5, 4)).astype(np.float32))
        labels = rng.integers(0, 3, size=5)
        opt.zero_grad()
        mg.functional.cross_entropy(model(x), labels).backward()
        opt.step()
        scheduler.step()


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_checkpoint_resumes_identically(name, tmp_path):
    model = make_model(0)
    opt = OPTIMIZERS[name](model.parameters())
    scheduler = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    train(model, opt, scheduler, steps=3, first_step=0)
    # As the trainer does: the state dicts share the live Tensors (as PyTorch's), so they are
    # written to a file before training goes on.
    mg.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "scheduler": scheduler.state_dict()}, tmp_path / "checkpoint.npz")
    train(model, opt, scheduler, steps=3, first_step=3)
    uninterrupted = model.state_dict()

    checkpoint = mg.load(tmp_path / "checkpoint.npz")
    resumed = make_model(1)  # different weights, replaced by the checkpoint
    resumed_opt = OPTIMIZERS[name](resumed.parameters())
    resumed_scheduler = lr_scheduler.StepLR(resumed_opt, step_size=2, gamma=0.5)
    resumed.load_state_dict(checkpoint["model"])
    resumed_opt.load_state_dict(checkpoint["optimizer"])
    resumed_scheduler.load_state_dict(checkpoint["scheduler"])
    assert resumed_opt.param_groups[0]["lr"] == checkpoint["optimizer"]["param_groups"][0]["lr"]
    train(resumed, resumed_opt, resumed_scheduler, steps=3, first_step=3)

    for key, value in uninterrupted.items():
        np.testing.assert_array_equal(resumed.state_dict()[key], value, err_msg=key)
    assert resumed_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    for p, q in zip(model.parameters(), resumed.parameters()):
        for key, value in opt.state[p].items():
            restored = resumed_opt.state[q][key]
            assert isinstance(restored, mg.Tensor) and restored.dtype == value.dtype
            np.testing.assert_array_equal(restored.numpy(), value.numpy(), err_msg=key)


def test_state_dict_shares_the_state_tensors_as_pytorch():
    p = nn.Parameter(np.ones(2))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.ones(2)
    opt.step()
    saved = opt.state_dict()
    assert saved["state"][0]["momentum_buffer"] is opt.state[p]["momentum_buffer"]
    opt.step()  # changes the saved buffer too: 0.9 * 1 + 1
    np.testing.assert_allclose(saved["state"][0]["momentum_buffer"].numpy(), [1.9, 1.9])
    # ... but not the saved hyperparameters: each group is a dict of its own.
    opt.param_groups[0]["lr"] = 0.5
    assert saved["param_groups"][0]["lr"] == 0.1


def test_optimizer_state_dict_layout():
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(3))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    b.grad = np.ones(3)
    opt.step()
    saved = opt.state_dict()
    assert saved["param_groups"][0]["params"] == [0]
    assert saved["param_groups"][1]["params"] == [1]
    assert saved["param_groups"][1]["lr"] == 0.5
    assert list(saved["state"]) == [1]
    np.testing.assert_array_equal(saved["state"][1]["momentum_buffer"], np.ones(3))


def test_load_state_dict_refuses_a_different_layout():
    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1)
    other = optim.SGD([nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))], lr=0.1)
    with pytest.raises(ValueError, match="1 parameters in the checkpoint but 2"):
        other.load_state_dict(opt.state_dict())
    two_groups = optim.SGD([{"params": [nn.Parameter(np.ones(2))]},
                            {"params": [nn.Parameter(np.ones(2))]}], lr=0.1)
    with pytest.raises(ValueError, match="2 param groups"):
        opt.load_state_dict(two_groups.state_dict())


# ----- learning-rate schedules ------------------------------------------------------------


def lrs_over_epochs(make_scheduler, epochs, base_lr=1.0):
    opt = optim.SGD([nn.Parameter(np.ones(1))], lr=base_lr)
    scheduler = make_scheduler(opt)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        assert scheduler.get_last_lr() == [lrs[-1]]
        opt.step()
        scheduler.step()
    return lrs


def test_step_lr():
    # base 1.0, halved every 2 epochs
    lrs = lrs_over_epochs(lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.5), 6)
    np.testing.assert_allclose(lrs, [1.0, 1.0, 0.5, 0.5, 0.25, 0.25], rtol=1e-15)


def test_multistep_lr():
    # base 1.0, times 0.1 at epochs 2 and 5
    lrs = lrs_over_epochs(lambda o: lr_scheduler.MultiStepLR(o, milestones=[5, 2], gamma=0.1), 7)
    np.testing.assert_allclose(lrs, [1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01], rtol=1e-12)


def test_cosine_annealing_lr():
    # 0.1 + 0.9 * (1 + cos(pi t / 4)) / 2, with cos(pi/4) = 0.70710678...: down to 0.1 at t = 4,
    # then up again
    lrs = lrs_over_epochs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.1), 7)
    half_root2 = math.sqrt(2) / 2
    expected = [1.0, 0.1 + 0.45 * (1 + half_root2), 0.55, 0.1 + 0.45 * (1 - half_root2), 0.1,
                0.1 + 0.45 * (1 - half_root2), 0.55]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12)


def test_scheduler_scales_each_group_from_its_own_base():
    opt = optim.SGD([{"params": [nn.Parameter(np.ones(1))]},
                     {"params": [nn.Parameter(np.ones(1))], "lr": 0.4}], lr=0.1)
    scheduler = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    scheduler.step()
    np.testing.assert_allclose(scheduler.get_last_lr(), [0.05, 0.2])
    np.testing.assert_allclose([g["lr"] for g in opt.param_groups], [0.05, 0.2])


def test_scheduler_state_dict_round_trip():
    opt = optim.SGD([nn.Parameter(np.ones(1))], lr=1.0)
    scheduler = lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    for _ in range(3):
        scheduler.step()
    saved = scheduler.state_dict()
    other_opt = optim.SGD([nn.Parameter(np.ones(1))], lr=1.0)
    other = lr_scheduler.CosineAnnealingLR(other_opt, T_max=10)
    # As in PyTorch, a step moves the optimizer's current lr: resume restores both.
    other_opt.load_state_dict(opt.state_dict())
    other.load_state_dict(saved)
    scheduler.step()
    other.step()
    assert other.last_epoch == scheduler.last_epoch == 4
    assert other.get_last_lr() == scheduler.get_last_lr()


@pytest.mark.parametrize("make", [
    lambda o: lr_scheduler.StepLR(o, step_size=0),
    lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=0),
])
def test_scheduler_arguments_are_checked(make):
    with pytest.raises(ValueError):
        make(optim.SGD([nn.Parameter(np.ones(1))], lr=1.0))


# ----- against torch.optim (optional) ---------------------------------------------------------

TORCH_CASES = {
    "sgd": ("SGD", dict(lr=0.1)),
    "sgd_momentum": ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    "sgd_nesterov": ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    "adam": ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    "adamw": ("AdamW", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1)),
}


@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_matches_torch_optim(case):
    torch = pytest.importorskip("torch")
    name, kwargs = TORCH_CASES[case]
    rng = np.random.default_rng(0)
    starts = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    ours = [nn.Parameter(s.copy()) for s in starts]
    theirs = [torch.tensor(s.copy(), requires_grad=True) for s in starts]
    # Two groups, the second with half the lr, to exercise param groups too.
    our_opt = getattr(optim, name)([{"params": ours[:1]}, {"params": ours[1:],
                                    "lr": kwargs["lr"] / 2}], **kwargs)
    their_opt = getattr(torch.optim, name)([{"params": theirs[:1]}, {"params": theirs[1:],
                                           "lr": kwargs["lr"] / 2}], **kwargs)
    for _ in range(5):
        for p, t in zip(ours, theirs):
            g = rng.standard_normal(p.shape)
            p.grad = g.copy()
            t.grad = torch.tensor(g.copy())
        our_opt.step()
        their_opt.step()
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.detach().numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name, kwargs", [
    ("StepLR", dict(step_size=3, gamma=0.3)),
    ("MultiStepLR", dict(milestones=[2, 2, 7], gamma=0.5)),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=0.01)),
])
def test_schedulers_match_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours = lrs_over_epochs(lambda o: getattr(lr_scheduler, name)(o, **kwargs), 12, base_lr=0.2)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.2)
    scheduler = getattr(torch.optim.lr_scheduler, name)(opt, **kwargs)
    theirs = []
    for _ in range(12):
        theirs.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def _lr_sequence(torch_or_mg, optim_module, sched_module, epochs=200):
    """A hand-set warm-up (lr 0.01 for the first epoch, then 0.1) under MultiStepLR chained
    with ExponentialLR-like StepLR(step_size=1): the classic CIFAR resnet110 recipe, plus a
    second scheduler on the same optimizer."""
    w = torch_or_mg.nn.Parameter(torch_or_mg.ones(1, dtype=torch_or_mg.float64))
    opt = optim_module.SGD([w], lr=0.1, momentum=0.9)
    first = sched_module.MultiStepLR(opt, milestones=[100, 150], gamma=0.1)
    second = sched_module.StepLR(opt, step_size=50, gamma=0.5)
    for group in opt.param_groups:
        group["lr"] = 0.01  # warm-up, set by hand
    lrs = []
    for epoch in range(epochs):
        if epoch == 1:
            for group in opt.param_groups:
                group["lr"] = 0.1  # warm-up over
        lrs.append(opt.param_groups[0]["lr"])
        first.step()
        second.step()
    return lrs


def test_schedulers_chain_and_keep_a_hand_set_lr():
    lrs = _lr_sequence(mg, optim, lr_scheduler)
    assert lrs[0] == 0.01 and lrs[1] == 0.1 and lrs[49] == 0.1
    assert lrs[50] == pytest.approx(0.05) and lrs[100] == pytest.approx(0.0025)
    assert lrs[150] == pytest.approx(0.1 * 0.5 ** 3 * 0.1 ** 2)


@pytest.mark.filterwarnings("ignore:Detected call of")  # a schedule alone: no training here
def test_scheduler_lrs_match_pytorch_over_200_epochs():
    torch = pytest.importorskip("torch")
    ours = _lr_sequence(mg, optim, lr_scheduler)
    theirs = _lr_sequence(torch, torch.optim, torch.optim.lr_scheduler)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    cosine = []
    for module, sched in ((optim, lr_scheduler), (torch.optim, torch.optim.lr_scheduler)):
        lib = mg if module is optim else torch
        opt = module.SGD([lib.nn.Parameter(lib.ones(1, dtype=lib.float64))], lr=0.1)
        schedule = sched.CosineAnnealingLR(opt, T_max=30, eta_min=0.001)
        values = []
        for _ in range(100):  # past T_max the cosine climbs back, as in torch
            values.append(opt.param_groups[0]["lr"])
            schedule.step()
        cosine.append(values)
    np.testing.assert_allclose(cosine[0], cosine[1], rtol=1e-12)
