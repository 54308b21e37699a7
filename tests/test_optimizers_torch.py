"""minigrad.optim with PyTorch's names and meaning: the update rules of RMSprop, Adagrad,
Adadelta, Adam(amsgrad) and SGD(maximize) worked out by hand, state as Tensors, an optimizer
written the way PyTorch tutorials write one, and (when torch is installed) every option
combination, the signatures, param groups, state, errors and repr against torch.optim."""

import collections
import inspect
import itertools

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

from test_optim import GRAD_1, GRAD_2, run_two_steps

START = np.array([1.0, -2.0])  # run_two_steps's start


# ----- update rules, by hand ----------------------------------------------------------------


def test_sgd_maximize_steps_up_the_gradient():
    step1, step2 = run_two_steps(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, maximize=True))
    # buf = -g1 = [-0.5, 1];  p1 = [1, -2] - 0.1 * buf = [1.05, -2.1]
    # buf = 0.9 * [-0.5, 1] - [0.2, 0.4] = [-0.65, 0.5];  p2 = p1 - 0.1 * buf = [1.115, -2.15]
    np.testing.assert_allclose(step1, [1.05, -2.1], rtol=1e-12)
    np.testing.assert_allclose(step2, [1.115, -2.15], rtol=1e-12)


def test_rmsprop_by_hand():
    step1, step2 = run_two_steps(lambda ps: optim.RMSprop(ps, lr=0.1, alpha=0.9))
    # v1 = 0.1 g1^2 = [0.025, 0.1];  v2 = 0.9 v1 + 0.1 g2^2 = [0.0265, 0.106]
    p1 = START - 0.1 * GRAD_1 / (np.sqrt([0.025, 0.1]) + 1e-8)
    np.testing.assert_allclose(step1, p1, rtol=1e-12)
    np.testing.assert_allclose(step2, p1 - 0.1 * GRAD_2 / (np.sqrt([0.0265, 0.106]) + 1e-8),
                               rtol=1e-12)


def test_rmsprop_centered_with_momentum_by_hand():
    step1, step2 = run_two_steps(
        lambda ps: optim.RMSprop(ps, lr=0.1, alpha=0.9, momentum=0.5, centered=True, eps=0.0))
    # Step 1: v = [0.025, 0.1], a = 0.1 g1 = [0.05, -0.1]; sqrt(v - a^2) = sqrt([0.0225, 0.09])
    # = [0.15, 0.3];  buf = g1 / [0.15, 0.3] = [10/3, -10/3];  p1 = p0 - 0.1 buf
    buf = np.array([10 / 3, -10 / 3])
    np.testing.assert_allclose(step1, START - 0.1 * buf, rtol=1e-12)
    # Step 2: v = [0.0265, 0.106], a = 0.9 [0.05, -0.1] + 0.1 [0.2, 0.4] = [0.065, -0.05];
    # v - a^2 = [0.022275, 0.1035];  buf = 0.5 buf + g2 / sqrt(v - a^2)
    buf = 0.5 * buf + GRAD_2 / np.sqrt([0.022275, 0.1035])
    np.testing.assert_allclose(step2, step1 - 0.1 * buf, rtol=1e-12)


def test_adagrad_by_hand():
    step1, step2 = run_two_steps(lambda ps: optim.Adagrad(
        ps, lr=0.1, lr_decay=0.5, initial_accumulator_value=0.1))
    # Step 1: clr = 0.1; s = 0.1 + g1^2 = [0.35, 1.1]
    # Step 2: clr = 0.1 / (1 + 1 * 0.5); s = [0.35 + 0.04, 1.1 + 0.16] = [0.39, 1.26]
    p1 = START - 0.1 * GRAD_1 / (np.sqrt([0.35, 1.1]) + 1e-10)
    np.testing.assert_allclose(step1, p1, rtol=1e-12)
    np.testing.assert_allclose(step2, p1 - 0.1 / 1.5 * GRAD_2 / (np.sqrt([0.39, 1.26]) + 1e-10),
                               rtol=1e-12)


def test_adadelta_by_hand():
    step1, step2 = run_two_steps(lambda ps: optim.Adadelta(ps, lr=1.0, rho=0.9, eps=1e-6))
    # Step 1: v = 0.1 g1^2 = [0.025, 0.1]; u = 0, so delta = sqrt(1e-6) / sqrt(v + 1e-6) * g1
    delta1 = 1e-3 / np.sqrt(np.array([0.025, 0.1]) + 1e-6) * GRAD_1
    np.testing.assert_allclose(step1, START - delta1, rtol=1e-12)
    # Step 2: u = 0.1 delta1^2; v = [0.0265, 0.106]; delta = sqrt(u + eps) / sqrt(v + eps) * g2
    delta2 = np.sqrt(0.1 * delta1 ** 2 + 1e-6) / np.sqrt(np.array([0.0265, 0.106]) + 1e-6) * GRAD_2
    np.testing.assert_allclose(step2, step1 - delta2, rtol=1e-12)


def test_adam_amsgrad_divides_by_the_largest_second_moment():
    # With beta2 = 0.5 the second moment falls at step 2: v1 = 0.5 g1^2 = [0.125, 0.5],
    # v2 = 0.5 v1 + 0.5 g2^2 = [0.0825, 0.33]; AMSGrad keeps v1.
    make = lambda amsgrad: lambda ps: optim.Adam(ps, lr=0.1, betas=(0.9, 0.5), amsgrad=amsgrad)
    step1, step2 = run_two_steps(make(True))
    # Step 1: m1 = 0.1 g1, bias corrections 0.1 and 0.5: p1 = p0 - 0.1 g1 / (|g1| + eps)
    np.testing.assert_allclose(step1, START - 0.1 * GRAD_1 / (np.abs(GRAD_1) + 1e-8),
                               rtol=1e-12)
    # Step 2: m2 = [0.065, -0.05], bias corrections 1 - 0.81 = 0.19 and 1 - 0.25 = 0.75
    m2 = np.array([0.065, -0.05])
    for v, after in (([0.125, 0.5], step2), ([0.0825, 0.33], run_two_steps(make(False))[1])):
        np.testing.assert_allclose(
            after, step1 - 0.1 / 0.19 * m2 / (np.sqrt(v) / np.sqrt(0.75) + 1e-8), rtol=1e-12)


def test_state_is_a_defaultdict_of_tensors_and_keeps_float32():
    layer = nn.Linear(3, 2, generator=np.random.default_rng(0))
    makers = [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1, maximize=True),
              lambda ps: optim.Adam(ps, amsgrad=True, weight_decay=0.1),
              lambda ps: optim.AdamW(ps, amsgrad=True),
              lambda ps: optim.RMSprop(ps, momentum=0.5, centered=True, weight_decay=0.1),
              lambda ps: optim.Adagrad(ps, lr_decay=0.1, initial_accumulator_value=0.1),
              lambda ps: optim.Adadelta(ps, weight_decay=0.1)]
    for make in makers:
        opt = make(layer.parameters())
        assert isinstance(opt.state, collections.defaultdict)
        for _ in range(2):
            layer.zero_grad()
            layer(mg.ones(4, 3)).sum().backward()
            opt.step()
        for p in layer.parameters():
            assert p.dtype == mg.float32
            assert opt.state[p], type(opt).__name__
            for key, value in opt.state[p].items():
                assert isinstance(value, mg.Tensor) and value.dtype == mg.float32, key
                assert not value.requires_grad
        if "step" in opt.state[p]:
            assert opt.state[p]["step"].shape == () and opt.state[p]["step"].item() == 2.0


@pytest.mark.parametrize("flag", ["foreach", "fused", "differentiable", "capturable"])
def test_implementation_switches_minigrad_lacks_are_refused(flag):
    for cls in (optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad,
                optim.Adadelta):
        if flag not in inspect.signature(cls).parameters:
            continue
        with pytest.raises(NotImplementedError, match=f"{flag}=True"):
            cls([nn.Parameter(np.ones(2))], **{flag: True})
        cls([nn.Parameter(np.ones(2))], **{flag: False})  # the same as the default


def test_param_groups_keep_extra_keys_and_names():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert opt.state_dict()["param_groups"][0]["param_names"][0] == "0.weight"
    group = {"params": [nn.Parameter(np.ones(1))], "name": "head"}
    other = optim.Adam([group])
    assert other.param_groups[0] is group and group["name"] == "head" and group["lr"] == 1e-3


# ----- an optimizer written as PyTorch tutorials write one ----------------------------------


def momentum_sgd_class(torch):
    """A user's optimizer, written against torch's API only (`torch` is minigrad or torch)."""

    class MomentumSGD(torch.optim.Optimizer):
        def __init__(self, params, lr=0.01, momentum=0.9):
            if lr < 0.0:
                raise ValueError(f"Invalid learning rate: {lr}")
            super().__init__(params, dict(lr=lr, momentum=momentum))

        @torch.no_grad()
        def step(self, closure=None):
            loss = None
            if closure is not None:
                with torch.enable_grad():
                    loss = closure()
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = 0
                        state["buf"] = torch.zeros_like(p)
                    state["step"] += 1
                    state["buf"].mul_(group["momentum"]).add_(p.grad)
                    p.add_(state["buf"], alpha=-group["lr"])
                    p.data.add_(p.data, alpha=-1e-3)  # a decay through .data, old style
            return loss

    return MomentumSGD


def fit_with_custom_optimizer(torch, steps=20):
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((6, 3)))
    y = torch.tensor(rng.standard_normal(6))
    w = torch.nn.Parameter(torch.tensor(rng.standard_normal(3)))
    b = torch.nn.Parameter(torch.tensor(np.zeros(1)))
    opt = momentum_sgd_class(torch)([w, b], lr=0.05)

    def closure():
        opt.zero_grad()
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        return loss

    losses = [opt.step(closure).item() for _ in range(steps)]
    return losses, w.detach().numpy().copy(), opt.state_dict()


def test_custom_optimizer_written_as_pytorch_runs():
    losses, w, saved = fit_with_custom_optimizer(mg)
    assert losses[-1] < 0.5 * losses[0]
    assert saved["state"][0]["step"] == 20 and saved["param_groups"][0]["params"] == [0, 1]


def test_an_optimizer_without_step_says_to_write_one():
    class NoStep(optim.Optimizer):
        pass

    p = nn.Parameter(np.ones(1))
    p.grad = np.ones(1)
    with pytest.raises(NotImplementedError, match="step"):
        NoStep([p], {"lr": 0.1}).step()


def test_custom_optimizer_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = fit_with_custom_optimizer(mg), fit_with_custom_optimizer(torch)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)


# ----- against torch.optim (optional) ---------------------------------------------------------

OPTIONS = {
    "SGD": dict(lr=[0.1], momentum=[0, 0.9], dampening=[0, 0.3], weight_decay=[0, 0.1],
                nesterov=[False, True], maximize=[False, True]),
    "Adam": dict(lr=[0.01], betas=[(0.8, 0.99)], eps=[1e-8, 1e-3], weight_decay=[0, 0.1],
                 amsgrad=[False, True], maximize=[False, True],
                 decoupled_weight_decay=[False, True]),
    "AdamW": dict(lr=[0.01], weight_decay=[0, 0.1], amsgrad=[False, True],
                  maximize=[False, True]),
    "RMSprop": dict(lr=[0.01], alpha=[0.9], eps=[1e-8, 1e-2], weight_decay=[0, 0.1],
                    momentum=[0, 0.5], centered=[False, True], maximize=[False, True]),
    "Adagrad": dict(lr=[0.1], lr_decay=[0, 0.1], weight_decay=[0, 0.1],
                    initial_accumulator_value=[0, 0.5], maximize=[False, True]),
    "Adadelta": dict(lr=[1.0, 0.5], rho=[0.9, 0.5], weight_decay=[0, 0.1],
                     maximize=[False, True]),
}


def combinations():
    for name, options in OPTIONS.items():
        for values in itertools.product(*options.values()):
            kwargs = dict(zip(options, values))
            if kwargs.get("nesterov") and (kwargs["momentum"] == 0 or kwargs["dampening"]):
                continue
            yield pytest.param(name, kwargs, id=f"{name}-" + "-".join(map(str, values)))


def run_both(torch, name, kwargs, steps=20, dtype=np.float64):
    """`steps` steps of minigrad's and torch's optimizer on the same parameters (two groups,
    the second at half the lr) and random gradients; both optimizers and parameters."""
    rng = np.random.default_rng(0)
    starts = [rng.standard_normal((3, 2)).astype(dtype), rng.standard_normal(4).astype(dtype)]
    ours = [nn.Parameter(s.copy()) for s in starts]
    theirs = [torch.nn.Parameter(torch.tensor(s.copy())) for s in starts]
    groups = lambda ps: [{"params": ps[:1]}, {"params": ps[1:], "lr": kwargs["lr"] / 2}]
    our_opt = getattr(optim, name)(groups(ours), **kwargs)
    their_opt = getattr(torch.optim, name)(groups(theirs), **kwargs)
    for _ in range(steps):
        for p, t in zip(ours, theirs):
            g = rng.standard_normal(p.shape).astype(dtype)
            p.grad, t.grad = g.copy(), torch.tensor(g.copy())
        our_opt.step()
        their_opt.step()
    return our_opt, their_opt, ours, theirs


@pytest.mark.parametrize("name, kwargs", list(combinations()))
def test_matches_torch_optim_over_20_steps(name, kwargs):
    torch = pytest.importorskip("torch")
    our_opt, their_opt, ours, theirs = run_both(torch, name, kwargs)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.detach().numpy(), t.detach().numpy(), rtol=1e-12,
                                   atol=1e-14)
        assert list(our_opt.state[p]) == list(their_opt.state[t])
        for key, value in their_opt.state[t].items():
            np.testing.assert_allclose(our_opt.state[p][key].numpy(), value.numpy(),
                                       rtol=1e-12, atol=1e-14, err_msg=key)
            assert our_opt.state[p][key].dtype == str(value.dtype).replace("torch.", "")
    ours_saved, theirs_saved = our_opt.state_dict(), their_opt.state_dict()
    assert ours_saved["param_groups"] == theirs_saved["param_groups"]
    assert list(ours_saved["state"]) == list(theirs_saved["state"])
    assert repr(our_opt) == repr(their_opt)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_float32_parameters_and_state_stay_float32_as_in_torch(name):
    torch = pytest.importorskip("torch")
    kwargs = {key: values[-1] for key, values in OPTIONS[name].items()}
    if name == "SGD":
        kwargs["dampening"] = 0  # for nesterov
    our_opt, their_opt, ours, theirs = run_both(torch, name, kwargs, steps=5, dtype=np.float32)
    for p, t in zip(ours, theirs):
        assert p.dtype == mg.float32 and t.dtype == torch.float32
        np.testing.assert_allclose(p.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)
        for key, value in their_opt.state[t].items():
            assert our_opt.state[p][key].dtype == mg.float32 and value.dtype == torch.float32


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_signature_and_default_param_groups_match_torch(name):
    torch = pytest.importorskip("torch")
    ours = inspect.signature(getattr(optim, name))
    theirs = inspect.signature(getattr(torch.optim, name))
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == \
           [(p.name, p.kind, p.default) for p in theirs.parameters.values()]
    our_opt = getattr(optim, name)([nn.Parameter(np.ones(2))])
    their_opt = getattr(torch.optim, name)([torch.ones(2, requires_grad=True)])
    assert list(our_opt.param_groups[0]) == list(their_opt.param_groups[0])
    assert repr(our_opt) == repr(their_opt)
    assert our_opt.defaults == their_opt.defaults


BAD_SETTINGS = [
    ("SGD", dict(lr=-0.1)), ("SGD", dict(momentum=-1)), ("SGD", dict(weight_decay=-1)),
    ("SGD", dict(nesterov=True)), ("SGD", dict(momentum=0.9, dampening=0.5, nesterov=True)),
    ("Adam", dict(lr=-1)), ("Adam", dict(eps=-1)), ("Adam", dict(betas=(1.0, 0.9))),
    ("Adam", dict(betas=(0.9, -0.5))), ("Adam", dict(weight_decay=-1)), ("AdamW", dict(lr=-1)),
    ("RMSprop", dict(lr=-1)), ("RMSprop", dict(eps=-1)), ("RMSprop", dict(momentum=-1)),
    ("RMSprop", dict(weight_decay=-1)), ("RMSprop", dict(alpha=-1)),
    ("Adagrad", dict(lr=-1)), ("Adagrad", dict(lr_decay=-1)), ("Adagrad", dict(weight_decay=-1)),
    ("Adagrad", dict(initial_accumulator_value=-1)), ("Adagrad", dict(eps=-1)),
    ("Adadelta", dict(lr=-1)), ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(eps=-1)),
    ("Adadelta", dict(weight_decay=-1)),
]


@pytest.mark.parametrize("name, kwargs", BAD_SETTINGS)
def test_bad_settings_raise_as_torch(name, kwargs):
    with pytest.raises(ValueError, match="Invalid|Nesterov") as ours:
        getattr(optim, name)([nn.Parameter(np.ones(2))], **kwargs)
    assert ours.value.args[0].startswith(f"{name}: ")
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], **kwargs)
    assert str(theirs.value) in str(ours.value)


def test_bad_params_raise_as_torch():
    cases = [lambda lib, p: [], lambda lib, p: p, lambda lib, p: [p, np.ones(2)],
             lambda lib, p: [{"params": [p]}, {"params": [p]}], lambda lib, p: [p * 2],
             lambda lib, p: [{"params": {p}}]]
    torch = pytest.importorskip("torch")
    for make in cases:
        raised = []
        for lib in (mg, torch):
            p = lib.nn.Parameter(lib.ones(2))
            with pytest.raises((TypeError, ValueError)) as error:
                lib.optim.SGD(make(lib, p), lr=0.1)
            raised.append(error.type)
        assert raised[0] is raised[1]


def test_zero_grad_matches_torch():
    torch = pytest.importorskip("torch")
    for set_to_none in (True, False):
        grads = []
        for lib in (mg, torch):
            w = lib.nn.Parameter(lib.ones(2))
            opt = lib.optim.SGD([w], lr=0.1)
            (w * 3).sum().backward()
            opt.zero_grad(set_to_none=set_to_none)
            grads.append(None if w.grad is None else w.grad.numpy().tolist())
        assert grads[0] == grads[1] == (None if set_to_none else [0.0, 0.0])


def test_load_state_dict_casts_state_to_the_parameter_dtype_but_not_step(tmp_path):
    p = nn.Parameter(np.ones(2, dtype=np.float32))
    opt = optim.Adam([p])
    p.grad = np.ones(2, dtype=np.float32)
    opt.step()
    mg.save(opt.state_dict(), tmp_path / "adam.npz")
    for dtype in (np.float64, np.float32):
        q = nn.Parameter(np.ones(2, dtype=dtype))
        other = optim.Adam([q])
        other.load_state_dict(mg.load(tmp_path / "adam.npz"))
        assert other.state[q]["exp_avg"].dtype == dtype
        assert other.state[q]["step"].dtype == mg.float32 and other.state[q]["step"].item() == 1
        # The loaded Tensors are the optimizer's own: a step does not change the source.
        other.load_state_dict(opt.state_dict())
        q.grad = np.ones(2, dtype=dtype)
        other.step()
        assert other.state[q]["step"].item() == 2 and opt.state[p]["step"].item() == 1


def test_an_int_step_from_an_older_checkpoint_becomes_a_tensor():
    p = nn.Parameter(np.ones(2))
    opt = optim.Adam([p], lr=0.1)
    opt.load_state_dict({"state": {0: {"step": 1, "exp_avg": 0.1 * GRAD_1,
                                       "exp_avg_sq": 0.001 * GRAD_1 ** 2}},
                         "param_groups": [dict(opt.state_dict()["param_groups"][0])]})
    p.grad = GRAD_2.copy()
    opt.step()
    assert opt.state[p]["step"].dtype == mg.float32 and opt.state[p]["step"].item() == 2
    # the second step of test_optim's Adam by hand, from p = 1
    m, v = np.array([0.065, -0.05]), np.array([0.00028975, 0.001159])
    np.testing.assert_allclose(p.detach().numpy(), 1 - 0.1 / 0.19 * m / (
        np.sqrt(v / 0.001999) + 1e-8), rtol=1e-12)


def test_a_hyperparameter_that_is_not_a_number_is_a_type_error():
    for lr in ("0.1", mg.tensor(0.1), None):
        with pytest.raises(TypeError, match="learning rate must be a number"):
            optim.SGD([nn.Parameter(np.ones(2))], lr=lr)
    with pytest.raises(TypeError, match="alpha value must be a number"):
        optim.RMSprop([nn.Parameter(np.ones(2))], alpha=True)
