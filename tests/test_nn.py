"""minigrad.nn: Module bookkeeping (registration order, modes, state_dict, hooks, repr) and
every layer's forward and gradients, checked against independent numpy references and
against central differences."""

import math
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim


def rng(seed=0):
    return np.random.default_rng(seed)


def randn(*shape, seed=0, dtype=np.float64, requires_grad=False):
    return mg.tensor(rng(seed).standard_normal(shape).astype(dtype), requires_grad=requires_grad)


def call_with_parameters(module, parameters, *inputs):
    """Run `module` with some of its own parameters swapped for the given tensors, so that
    gradcheck (which perturbs its own float64 copies of the inputs) can differentiate a
    module's forward with respect to its weights."""
    saved = dict(module._parameters)
    module._parameters.update(parameters)
    try:
        return module(*inputs)
    finally:
        module._parameters.clear()
        module._parameters.update(saved)


def gradcheck_module(module, x, names):
    """gradcheck of module(x) with respect to x and the named parameters of `module`."""
    names = list(names)

    def fn(x, *weights):
        return call_with_parameters(module, dict(zip(names, weights)), x)

    return mg.gradcheck(fn, [x] + [module._parameters[n] for n in names])


# ----- Parameter -----------------------------------------------------------------------------


def test_parameter_is_a_tensor_that_requires_grad():
    p = nn.Parameter(mg.tensor([1.0, 2.0, 3.0]))
    assert isinstance(p, mg.Tensor)
    assert p.requires_grad and p.dtype == np.float32
    assert nn.Parameter(np.zeros(2)).dtype == np.float64
    assert not nn.Parameter(np.zeros(2), requires_grad=False).requires_grad
    assert repr(p).startswith("Parameter containing:\ntensor(")


# ----- Module bookkeeping -----------------------------------------------------------------


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones(1, dtype=np.float32))
        self.body = nn.Sequential(nn.Linear(2, 3, generator=rng(1)), nn.ReLU(),
                                  nn.Linear(3, 1, generator=rng(2)))
        self.register_buffer("count", np.zeros(()))
        self.head = nn.Linear(1, 1, bias=False, generator=rng(3))
        self.note = "a plain attribute"

    def forward(self, x):
        return self.head(self.body(x) * self.scale)


def test_named_parameters_follow_registration_order():
    net = Net()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["scale", "body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias",
                     "head.weight"]
    assert [p.shape for p in net.parameters()] == [(1,), (3, 2), (3,), (1, 3), (1,), (1, 1)]
    assert [name for name, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert [name for name, _ in net.named_buffers()] == ["count"]
    assert net.note == "a plain attribute"


def test_children_and_modules():
    net = Net()
    assert [type(m).__name__ for m in net.children()] == ["Sequential", "Linear"]
    assert [name for name, _ in net.named_modules()] == ["", "body", "body.0", "body.1",
                                                          "body.2", "head"]
    assert list(net.modules())[2] is net.body[0]


def test_shared_parameter_is_listed_once():
    net = Net()
    net.tied = net.body[0].weight
    names = [name for name, _ in net.named_parameters()]
    assert names.count("tied") == 1 and "body.0.weight" not in names
    assert len(list(net.parameters())) == 6


def test_assignment_rules():
    net = Net()
    with pytest.raises(TypeError, match="wrap it in nn.Parameter"):
        net.scale = mg.ones(1)
    net.scale = None  # allowed, as in PyTorch: the parameter slot is emptied
    assert "scale" not in [name for name, _ in net.named_parameters()]
    del net.head
    assert [name for name, _ in net.named_children()] == ["body"]
    del net.note
    assert not hasattr(net, "note")

    class Forgetful(nn.Module):
        def __init__(self):
            self.weight = nn.Parameter(np.ones(1))

    with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\)"):
        Forgetful()
    with pytest.raises(AttributeError, match="Net has no attribute 'missing'"):
        net.missing


def test_train_and_eval_reach_every_descendant():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_sets_every_grad_to_none():
    net = Net()
    net(mg.ones(4, 2)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_to_float64_keeps_the_same_parameters():
    net = Net()
    params = list(net.parameters())
    opt = optim.SGD(net.parameters(), lr=0.1)
    net.to(np.float64)
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net.count.dtype == np.float64
    assert all(a is b for a, b in zip(params, net.parameters()))
    assert opt.param_groups[0]["params"][0] is params[0]


def test_apply_visits_every_module():
    visited = []
    Net().apply(lambda m: visited.append(type(m).__name__))
    # children first, in order, then the parent (as PyTorch's Module.apply)
    assert visited == ["Linear", "ReLU", "Linear", "Sequential", "Linear", "Net"]


# ----- state_dict ------------------------------------------------------------------------------


def test_state_dict_has_parameters_and_buffers_as_detached_tensors_sharing_memory():
    """As PyTorch's: save it, or clone it to keep a copy."""
    net = Net()
    state = net.state_dict()
    assert list(state) == ["scale", "count", "body.0.weight", "body.0.bias", "body.2.weight",
                           "body.2.bias", "head.weight"]
    assert all(isinstance(v, mg.Tensor) and not v.requires_grad for v in state.values())
    kept = {key: value.clone() for key, value in state.items()}
    state["scale"][...] = 7.0
    assert net.scale.detach().numpy()[0] == 7.0 and kept["scale"].item() == 1.0


def test_load_state_dict_copies_values_into_the_same_parameters():
    source, target = Net(), Net()
    source.body[0].weight.detach().numpy()[...] = 3.0
    source.count.detach().numpy()[...] = 5.0
    weight = target.body[0].weight
    array = weight.detach().numpy()
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.body[0].weight is weight and weight.detach().numpy() is array
    np.testing.assert_array_equal(weight.detach().numpy(), np.full((3, 2), 3.0))
    assert target.count.detach().numpy() == 5.0
    x = randn(4, 2, dtype=np.float32)
    np.testing.assert_array_equal(target(x).detach().numpy(), source(x).detach().numpy())


def test_load_state_dict_lists_every_problem_at_once():
    net = Net()
    before = net.state_dict()
    state = dict(before)
    del state["head.weight"]
    del state["count"]
    state["bogus"] = np.zeros(2)  # an unexpected key may hold anything
    state["body.0.weight"] = mg.zeros(2, 3)
    state["scale"] = [1.0]
    with pytest.raises(RuntimeError) as error:
        net.load_state_dict(state)
    message = str(error.value)
    for expected in ("missing key 'head.weight'", "missing key 'count'", "unexpected key 'bogus'",
                     "shape mismatch for 'body.0.weight': the module has (3, 2), the "
                     "state_dict has (2, 3)", "while copying 'scale': expected a Tensor, got list"):
        assert expected in message
    # Nothing was copied: the checks come first.
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_load_state_dict_non_strict():
    net = Net()
    state = {"scale": mg.full((1,), 2.0), "bogus": np.zeros(1)}
    result = net.load_state_dict(state, strict=False)
    assert net.scale.detach().numpy()[0] == 2.0
    assert result.unexpected_keys == ["bogus"]
    assert "head.weight" in result.missing_keys and len(result.missing_keys) == 6
    with pytest.raises(RuntimeError, match="shape mismatch for 'scale'"):
        net.load_state_dict({"scale": mg.zeros(3)}, strict=False)
    with pytest.raises(RuntimeError, match="expected a Tensor, got ndarray"):
        net.load_state_dict({"scale": np.zeros(1)}, strict=False)  # as torch


def test_load_state_dict_keeps_num_batches_tracked_that_an_old_checkpoint_lacks():
    source, target = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)), nn.Sequential(
        nn.Linear(2, 2), nn.BatchNorm1d(2))
    target[1].num_batches_tracked.fill_(7)
    old = {k: v for k, v in source.state_dict().items() if "num_batches" not in k}
    assert target.load_state_dict(old) == ([], [])  # as torch: kept, not missing
    assert target[1].num_batches_tracked.item() == 7
    assert np.array_equal(target[1].running_var.numpy(), source[1].running_var.numpy())
    versioned = OrderedDict(old)
    versioned._metadata = {"1": {"version": 2}}  # what torch's state_dict() carries
    with pytest.raises(RuntimeError, match="missing key '1.num_batches_tracked'"):
        target.load_state_dict(versioned)


# ----- hooks and repr ------------------------------------------------------------------------


def test_forward_hook_sees_inputs_and_output_and_can_be_removed():
    net = Net()
    calls = []
    handle = net.body[0].register_forward_hook(lambda m, inputs, out: calls.append((m, inputs, out)))
    x = mg.ones(4, 2)
    net(x)
    (module, inputs, output), = calls
    assert module is net.body[0] and inputs[0] is x and output.shape == (4, 3)
    handle.remove()
    net(x)
    assert len(calls) == 1


def test_forward_hook_can_replace_the_output():
    layer = nn.Linear(2, 2)
    layer.register_forward_hook(lambda m, inputs, out: out * 0)
    np.testing.assert_array_equal(layer(mg.ones(1, 2)).detach().numpy(), np.zeros((1, 2)))


def test_nested_repr():
    model = nn.Sequential(
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.ResidualBlock(nn.Sequential(nn.Conv2d(32, 32, 3, padding=1, bias=False)),
                         activation=nn.ReLU()),
        nn.MaxPool2d(2), nn.GlobalAvgPool2d(), nn.Flatten(), nn.Linear(32, 10))
    assert repr(model) == """Sequential(
  (0): Conv2d(16, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
  (1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
  (2): ReLU()
  (3): ResidualBlock(
    (branch): Sequential(
      (0): Conv2d(32, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)
    )
    (shortcut): Identity()
    (activation): ReLU()
  )
  (4): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  (5): GlobalAvgPool2d()
  (6): Flatten(start_dim=1, end_dim=-1)
  (7): Linear(in_features=32, out_features=10, bias=True)
)"""


def test_layer_reprs():
    assert repr(nn.Conv2d(4, 8, (3, 5), stride=2, dilation=2, groups=4)) == (
        "Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 2), dilation=(2, 2), groups=4)")
    assert repr(nn.DepthwiseConv2d(8, 3, padding=1, channel_multiplier=2)) == (
        "DepthwiseConv2d(8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), "
        "channel_multiplier=2)")
    assert repr(nn.PointwiseConv2d(8, 16, bias=False)) == "PointwiseConv2d(8, 16, bias=False)"
    assert repr(nn.DepthwiseSeparableConv2d(8, 16, 3, padding=1)) == (
        "DepthwiseSeparableConv2d(8, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))")
    assert repr(nn.SpatialSeparableConv2d(8, 16, 3)) == (
        "SpatialSeparableConv2d(8, 16, kernel_size=(3, 3), stride=(1, 1), mid_channels=16)")
    assert repr(nn.ResidualBlock(nn.Identity(), nn.ZeroPadShortcut(8, 2), shortcut_grad=False)) == (
        "ResidualBlock(\n  shortcut_grad=False\n  (branch): Identity()\n"
        "  (shortcut): ZeroPadShortcut(8, stride=2)\n)")


# ----- containers and simple layers ----------------------------------------------------------


def test_sequential_indexing():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3 and seq[0] is layers[0] and seq[-1] is layers[2]
    assert list(seq) == layers
    assert isinstance(seq[1:], nn.Sequential) and list(seq[1:]) == layers[1:]
    with pytest.raises(IndexError, match="index 3 is out of range for 3 modules"):
        seq[3]
    with pytest.raises(TypeError, match="function is not a Module subclass"):
        seq.append(lambda x: x)
    x = randn(5, 2, dtype=np.float32)
    np.testing.assert_array_equal(seq(x).detach().numpy(), layers[2](layers[1](layers[0](x))).detach().numpy())


def test_identity_and_flatten():
    x = randn(2, 3, 4, 5)
    assert nn.Identity()(x) is x
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(start_dim=2)(x).shape == (2, 3, 20)
    np.testing.assert_array_equal(nn.Flatten()(x).detach().numpy(), x.detach().numpy().reshape(2, 60))


@pytest.mark.parametrize("module, reference", [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.Tanh(), np.tanh),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
])
def test_activations_match_numpy(module, reference):
    x = randn(3, 4)
    np.testing.assert_allclose(module(x).detach().numpy(), reference(x.detach().numpy()), rtol=1e-12)


@given(batch=st.lists(st.integers(1, 3), max_size=2), n_in=st.integers(1, 5),
       n_out=st.integers(1, 5), bias=st.booleans())
def test_linear_forward_is_x_wT_plus_b(batch, n_in, n_out, bias):
    layer = nn.Linear(n_in, n_out, bias=bias, generator=rng(len(batch)), dtype=np.float64)
    x = randn(*batch, n_in)
    expected = x.detach().numpy() @ layer.weight.detach().numpy().T + (layer.bias.detach().numpy() if bias else 0)
    np.testing.assert_allclose(layer(x).detach().numpy(), expected, rtol=1e-12)


def test_linear_gradients():
    layer = nn.Linear(3, 4, generator=rng(1))
    x = randn(5, 3, seed=2, requires_grad=True)
    assert gradcheck_module(layer, x, ["weight", "bias"])
    # The parameters' .grad after backward equals the functional op's gradient.
    g = rng(3).standard_normal((5, 4)).astype(np.float32)
    x32 = randn(5, 3, seed=2, dtype=np.float32)
    layer(x32).backward(g)
    w = mg.tensor(layer.weight.detach().numpy(), requires_grad=True)
    b = mg.tensor(layer.bias.detach().numpy(), requires_grad=True)
    F.linear(x32, w, b).backward(g)
    np.testing.assert_allclose(layer.weight.grad, w.grad, rtol=1e-6)
    np.testing.assert_allclose(layer.bias.grad, b.grad, rtol=1e-6)
    np.testing.assert_allclose(layer.weight.grad, g.T @ x32.detach().numpy(), rtol=1e-5)


# ----- batch normalization -------------------------------------------------------------------


def test_batch_norm_2d_training_step():
    bn = nn.BatchNorm2d(3).to(np.float64)
    bn.weight.detach().numpy()[...] = [1.0, 2.0, 0.5]
    bn.bias.detach().numpy()[...] = [0.0, -1.0, 3.0]
    x = randn(4, 3, 2, 5)
    y = bn(x)
    mean = x.detach().numpy().mean(axis=(0, 2, 3))
    var = x.detach().numpy().var(axis=(0, 2, 3))
    per_channel = (1, 3, 1, 1)
    expected = ((x.detach().numpy() - mean.reshape(per_channel)) / np.sqrt(var.reshape(per_channel) + 1e-5)
                * bn.weight.detach().numpy().reshape(per_channel) + bn.bias.detach().numpy().reshape(per_channel))
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-10, atol=1e-12)
    n = 4 * 2 * 5
    np.testing.assert_allclose(bn.running_mean.detach().numpy(), 0.1 * mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.detach().numpy(), 0.9 + 0.1 * var * n / (n - 1), rtol=1e-12)
    assert bn.num_batches_tracked.detach().numpy() == 1


def test_batch_norm_eval_uses_running_stats_and_leaves_them():
    bn = nn.BatchNorm2d(2).to(np.float64)
    bn.running_mean.detach().numpy()[...] = [1.0, -1.0]
    bn.running_var.detach().numpy()[...] = [4.0, 0.25]
    bn.eval()
    x = randn(3, 2, 2, 2)
    expected = (x.detach().numpy() - np.array([1.0, -1.0]).reshape(1, 2, 1, 1)) / np.sqrt(
        np.array([4.0, 0.25]).reshape(1, 2, 1, 1) + 1e-5)
    np.testing.assert_allclose(bn(x).detach().numpy(), expected, rtol=1e-10)
    np.testing.assert_array_equal(bn.running_mean.detach().numpy(), [1.0, -1.0])
    assert bn.num_batches_tracked.detach().numpy() == 0


def test_batch_norm_momentum_none_is_a_cumulative_average():
    bn = nn.BatchNorm1d(3, momentum=None).to(np.float64)
    first, second = randn(6, 3, seed=1), randn(6, 3, seed=2)
    bn(first)
    bn(second)
    expected = (first.detach().numpy().mean(axis=0) + second.detach().numpy().mean(axis=0)) / 2
    np.testing.assert_allclose(bn.running_mean.detach().numpy(), expected, rtol=1e-12)
    assert bn.num_batches_tracked.detach().numpy() == 2


def test_batch_norm_1d_on_sequences_normalizes_over_batch_and_length():
    bn = nn.BatchNorm1d(3, affine=False).to(np.float64)
    x = randn(4, 3, 5)
    mean = x.detach().numpy().mean(axis=(0, 2), keepdims=True)
    var = x.detach().numpy().var(axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(bn(x).detach().numpy(), (x.detach().numpy() - mean) / np.sqrt(var + 1e-5), rtol=1e-10)
    assert list(bn.parameters()) == []


def test_batch_norm_without_running_stats_uses_the_batch_in_eval():
    bn = nn.BatchNorm1d(2, track_running_stats=False).eval()
    x = randn(5, 2, dtype=np.float32)
    np.testing.assert_allclose(bn(x).detach().numpy().mean(axis=0), 0, atol=1e-6)
    assert list(bn.state_dict()) == ["weight", "bias"]


def test_batch_norm_gradients_and_errors():
    bn = nn.BatchNorm2d(2)
    bn.weight.detach().numpy()[...] = [1.5, -0.5]
    assert gradcheck_module(bn, randn(3, 2, 2, 2, requires_grad=True), ["weight", "bias"])
    with pytest.raises(ValueError, match="BatchNorm2d: expected 4-D input"):
        bn(randn(3, 2))
    with pytest.raises(ValueError, match="expected 2 channels"):
        bn(randn(3, 5, 2, 2))
    with pytest.raises(ValueError, match="num_features must be >= 1"):
        nn.BatchNorm1d(0)


def test_batch_norm_state_dict_includes_buffers():
    assert list(nn.BatchNorm2d(3).state_dict()) == [
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked"]


# ----- pooling -----------------------------------------------------------------------------


def test_pooling_layers():
    x = randn(2, 3, 4, 6)
    blocks = x.detach().numpy().reshape(2, 3, 2, 2, 3, 2)
    np.testing.assert_array_equal(nn.MaxPool2d(2)(x).detach().numpy(), blocks.max(axis=(3, 5)))
    np.testing.assert_allclose(nn.AvgPool2d(2)(x).detach().numpy(), blocks.mean(axis=(3, 5)), rtol=1e-12)
    np.testing.assert_allclose(nn.AvgPool2d(3, stride=1, padding=1)(x).detach().numpy(),
                               F.avg_pool2d(x, 3, 1, 1).detach().numpy())
    np.testing.assert_allclose(nn.GlobalAvgPool2d()(x).detach().numpy(),
                               x.detach().numpy().mean(axis=(2, 3), keepdims=True), rtol=1e-12)
    assert nn.MaxPool2d(3, stride=2, padding=1)(x).shape == (2, 3, 2, 3)


# ----- residual blocks ----------------------------------------------------------------------


def residual_grads(shortcut_grad, shortcut_scale=1.0):
    branch = nn.Linear(3, 3, generator=rng(5), dtype=np.float64)
    block = nn.ResidualBlock(branch, shortcut_scale=shortcut_scale, shortcut_grad=shortcut_grad)
    x = randn(4, 3, requires_grad=True)
    g = rng(6).standard_normal((4, 3))
    y = block(x)
    y.backward(g)
    return branch, x, y, g


def test_residual_block_adds_the_identity():
    branch, x, y, _ = residual_grads(True, shortcut_scale=0.5)
    np.testing.assert_allclose(y.detach().numpy(), branch(x).detach().numpy() + 0.5 * x.detach().numpy(), rtol=1e-12)


def test_residual_block_gradient_has_the_plus_one():
    # y = W x + b + x, so dL/dx = g W + g: the "+1" term is g itself.
    branch, x, _, g = residual_grads(True)
    np.testing.assert_allclose(x.grad, g @ branch.weight.detach().numpy() + g, rtol=1e-12)
    branch, x, _, g = residual_grads(True, shortcut_scale=0.25)
    np.testing.assert_allclose(x.grad, g @ branch.weight.detach().numpy() + 0.25 * g, rtol=1e-12)


def test_residual_block_ablation_removes_only_the_shortcut_gradient():
    branch, x, _, g = residual_grads(False)
    np.testing.assert_allclose(x.grad, g @ branch.weight.detach().numpy(), rtol=1e-12)
    true_branch, _, _, _ = residual_grads(True)
    np.testing.assert_array_equal(branch.weight.grad, true_branch.weight.grad)


def test_residual_block_post_activation():
    branch = nn.Linear(3, 3, generator=rng(5), dtype=np.float64)
    x = randn(4, 3)
    y = nn.ResidualBlock(branch, activation=nn.ReLU())(x)
    np.testing.assert_allclose(y.detach().numpy(), np.maximum(branch(x).detach().numpy() + x.detach().numpy(), 0), rtol=1e-12)
    with pytest.raises(TypeError, match="branch must be a Module"):
        nn.ResidualBlock(lambda x: x)


def test_zero_pad_shortcut():
    x = randn(2, 3, 5, 4)
    y = nn.ZeroPadShortcut(5, stride=2)(x)
    assert y.shape == (2, 5, 3, 2)
    np.testing.assert_array_equal(y.detach().numpy()[:, :3], x.detach().numpy()[:, :, ::2, ::2])
    np.testing.assert_array_equal(y.detach().numpy()[:, 3:], 0)
    assert list(nn.ZeroPadShortcut(5).parameters()) == []


# ----- convolutions (compared with a plain numpy reference) ------------------------------


def reference_conv2d(x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
    """Cross-correlation straight from the definition, one kernel offset at a time."""
    n, c_in, h, wd = x.shape
    c_out, c_group, k_h, k_w = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    h_out = (h + 2 * padding[0] - dilation[0] * (k_h - 1) - 1) // stride[0] + 1
    w_out = (wd + 2 * padding[1] - dilation[1] * (k_w - 1) - 1) // stride[1] + 1
    out = np.zeros((n, c_out, h_out, w_out))
    outs_per_group = c_out // groups
    for o in range(c_out):
        first = (o // outs_per_group) * c_group
        for i in range(k_h):
            for j in range(k_w):
                top, left = i * dilation[0], j * dilation[1]
                patch = x[:, first:first + c_group,
                          top:top + stride[0] * (h_out - 1) + 1:stride[0],
                          left:left + stride[1] * (w_out - 1) + 1:stride[1]]
                out[:, o] += np.einsum("nchw,c->nhw", patch, w[o, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def f64(layer):
    return layer.to(np.float64)


def test_conv2d_matches_the_reference():
    conv = f64(nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2,
                         generator=rng(1)))
    x = randn(2, 4, 7, 6)
    expected = reference_conv2d(x.detach().numpy(), conv.weight.detach().numpy(), conv.bias.detach().numpy(), (2, 1), (1, 0), (1, 2), 2)
    np.testing.assert_allclose(conv(x).detach().numpy(), expected, rtol=1e-10, atol=1e-12)
    assert conv.weight.shape == (6, 2, 3, 2)


def test_conv2d_same_padding_keeps_the_size():
    conv = f64(nn.Conv2d(2, 3, (3, 4), padding="same", dilation=2, generator=rng(11)))
    assert repr(conv) == ("Conv2d(2, 3, kernel_size=(3, 4), stride=(1, 1), padding=same, "
                          "dilation=(2, 2))")
    x = randn(1, 2, 6, 7)
    assert conv(x).shape == (1, 3, 6, 7)
    assert nn.Conv2d(2, 3, 3, padding="valid")(x.float()).shape == (1, 3, 4, 5)


def test_conv2d_gradients():
    conv = nn.Conv2d(2, 4, 3, stride=2, padding=1, groups=2, generator=rng(2))
    assert gradcheck_module(conv, randn(1, 2, 5, 5, requires_grad=True), ["weight", "bias"])


def test_depthwise_conv2d_is_a_grouped_conv():
    conv = f64(nn.DepthwiseConv2d(3, 3, stride=2, padding=1, channel_multiplier=2,
                                  generator=rng(3)))
    assert conv.weight.shape == (6, 1, 3, 3)
    x = randn(2, 3, 6, 5)
    expected = reference_conv2d(x.detach().numpy(), conv.weight.detach().numpy(), conv.bias.detach().numpy(), (2, 2), (1, 1),
                                groups=3)
    np.testing.assert_allclose(conv(x).detach().numpy(), expected, rtol=1e-10, atol=1e-12)
    assert gradcheck_module(conv, randn(1, 3, 4, 4, requires_grad=True), ["weight", "bias"])


def test_pointwise_conv2d_mixes_channels_per_pixel():
    conv = f64(nn.PointwiseConv2d(3, 5, generator=rng(4)))
    x = randn(2, 3, 4, 4)
    expected = (np.einsum("oc,nchw->nohw", conv.weight.detach().numpy()[:, :, 0, 0], x.detach().numpy())
                + conv.bias.detach().numpy().reshape(1, 5, 1, 1))
    np.testing.assert_allclose(conv(x).detach().numpy(), expected, rtol=1e-10, atol=1e-12)
    assert gradcheck_module(conv, randn(1, 3, 2, 2, requires_grad=True), ["weight", "bias"])


def test_spatial_separable_conv2d_is_a_conv_with_the_combined_kernel():
    conv = f64(nn.SpatialSeparableConv2d(2, 3, (3, 5), stride=(2, 1), padding=(1, 2),
                                         mid_channels=4, generator=rng(5)))
    assert conv.weight_row.shape == (4, 2, 1, 5) and conv.weight_col.shape == (3, 4, 3, 1)
    # K[o, i] = sum over m of col[o, m] (3 x 1) times row[m, i] (1 x 5): a 3 x 5 kernel
    combined = np.einsum("omh,miw->oihw", conv.weight_col.detach().numpy()[..., 0],
                         conv.weight_row.detach().numpy()[:, :, 0, :])
    x = randn(2, 2, 6, 7)
    expected = reference_conv2d(x.detach().numpy(), combined, conv.bias.detach().numpy(), (2, 1), (1, 2))
    np.testing.assert_allclose(conv(x).detach().numpy(), expected, rtol=1e-10, atol=1e-12)
    assert gradcheck_module(conv, randn(1, 2, 4, 5, requires_grad=True),
                            ["weight_row", "weight_col", "bias"])


def test_depthwise_separable_conv2d_is_depthwise_then_pointwise():
    conv = f64(nn.DepthwiseSeparableConv2d(3, 4, 3, stride=2, padding=2, dilation=2,
                                           generator=rng(6)))
    x = randn(2, 3, 7, 7)
    depthwise = reference_conv2d(x.detach().numpy(), conv.depthwise_weight.detach().numpy(), conv.depthwise_bias.detach().numpy(),
                                 (2, 2), (2, 2), (2, 2), groups=3)
    expected = reference_conv2d(depthwise, conv.pointwise_weight.detach().numpy(), conv.pointwise_bias.detach().numpy())
    np.testing.assert_allclose(conv(x).detach().numpy(), expected, rtol=1e-10, atol=1e-12)
    assert gradcheck_module(conv, randn(1, 3, 5, 5, requires_grad=True),
                            ["depthwise_weight", "pointwise_weight", "depthwise_bias",
                             "pointwise_bias"])


def count(module):
    return sum(p.numel() for p in module.parameters())


def test_parameter_counts_from_the_notes():
    # 3x3, 32 -> 64 channels: standard 32 * 64 * 9 = 18,432; depthwise separable
    # 32 * 9 + 32 * 64 = 288 + 2,048 = 2,336 (8x fewer); 1x1: C * M.
    assert count(nn.Conv2d(32, 64, 3, bias=False)) == 18_432
    assert count(nn.DepthwiseSeparableConv2d(32, 64, 3, bias=False)) == 2_336
    assert count(nn.DepthwiseConv2d(32, 3, bias=False)) == 288
    assert count(nn.PointwiseConv2d(32, 64, bias=False)) == 2_048
    # Spatial separable, one channel: a 3x3 kernel with 3 + 3 = 6 weights instead of 9; 5x5: 10.
    assert count(nn.SpatialSeparableConv2d(1, 1, 3, bias=False)) == 6
    assert count(nn.SpatialSeparableConv2d(1, 1, 5, bias=False)) == 10


@pytest.mark.parametrize("make, exception, message", [
    (lambda: nn.Conv2d(3, 4, 3, groups=2), ValueError, "groups=2 must divide both"),
    (lambda: nn.Conv2d(3, 4, 3, stride=2, padding="same"), ValueError, "'same' needs stride 1"),
    (lambda: nn.MaxPool2d(2, padding=2), ValueError, "at most half of kernel_size"),
    (lambda: nn.ZeroPadShortcut(4, stride=0), ValueError, "stride must be >= 1"),
    (lambda: nn.ProjectionShortcut(3, 4, stride=1.5), TypeError, "stride must be an int"),
    (lambda: nn.BatchNorm2d(3, eps="x"), TypeError, "BatchNorm2d: eps must be a number"),
    (lambda: nn.BatchNorm2d(3, momentum=2), ValueError, r"momentum must be in \[0, 1\]"),
    (lambda: nn.Conv2d(3, 4, 0), ValueError, "kernel_size must be >= 1, got 0"),
    (lambda: nn.Conv2d(3, 4, 3, padding=-1), ValueError, "padding must be >= 0"),
    (lambda: nn.Conv2d(3, 4, (3, 3, 3)), TypeError, "or a pair of ints"),
    (lambda: nn.Conv2d(3, 4, 3.0), TypeError, "kernel_size must be an int"),
    (lambda: nn.Conv2d(3, 4, 3, padding="full"), ValueError, "'valid' or 'same'"),
    (lambda: nn.Linear(0, 3), ValueError, "Linear: in_features must be >= 1, got 0"),
    (lambda: nn.Linear(2.5, 3), TypeError, "Linear: in_features must be an int, got 2.5"),
    (lambda: nn.DepthwiseConv2d(3, 3, channel_multiplier=0), ValueError, "channel_multiplier"),
    (lambda: nn.MaxPool2d(2, stride=0), ValueError, "MaxPool2d: stride must be >= 1"),
    (lambda: nn.AvgPool2d((2, 2.5)), TypeError, "AvgPool2d: kernel_size must be an int or"),
])
def test_bad_layer_arguments(make, exception, message):
    """Layers check their arguments when they are made, not at the first forward."""
    with pytest.raises(exception, match=message):
        make()


@pytest.mark.parametrize("arguments", [
    dict(stride=1.5), dict(stride=0), dict(padding=-1), dict(padding="full"),
    dict(dilation=(1, 2, 3)), dict(groups=0), dict(groups=1.0), dict(groups=3),
    dict(stride=2, padding="same")])
def test_conv_layer_and_function_give_the_same_error_for_the_same_mistake(arguments):
    """One vocabulary of checks: the exception and the message agree but for the name."""
    x, weight = randn(1, 4, 5, 5), randn(4, 4, 3, 3)
    with pytest.raises((TypeError, ValueError)) as from_function:
        F.conv2d(x, weight, **arguments)
    with pytest.raises((TypeError, ValueError)) as from_layer:
        nn.Conv2d(4, 4, 3, **arguments)
    assert from_function.type is from_layer.type
    assert str(from_function.value).split(": ", 1) == ["conv2d", str(from_layer.value).split(
        ": ", 1)[1]]
    assert str(from_layer.value).startswith("Conv2d: ")


def test_projection_shortcut_is_a_strided_1x1_conv():
    proj = f64(nn.ProjectionShortcut(3, 5, stride=2, generator=rng(7)))
    x = randn(2, 3, 5, 4)
    expected = reference_conv2d(x.detach().numpy(), proj.weight.detach().numpy(), stride=(2, 2))
    assert proj(x).shape == (2, 5, 3, 2)
    np.testing.assert_allclose(proj(x).detach().numpy(), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("option", ["A", "B"])
def test_downsampling_residual_block(option):
    branch = nn.Sequential(nn.Conv2d(2, 4, 3, stride=2, padding=1, bias=False, generator=rng(8)),
                           nn.BatchNorm2d(4), nn.ReLU(),
                           nn.Conv2d(4, 4, 3, padding=1, generator=rng(9)))
    shortcut = (nn.ZeroPadShortcut(4, stride=2) if option == "A" else
                nn.Sequential(nn.ProjectionShortcut(2, 4, stride=2, generator=rng(10)),
                              nn.BatchNorm2d(4)))
    block = f64(nn.ResidualBlock(branch, shortcut, activation=nn.ReLU()))
    x = randn(2, 2, 4, 4, requires_grad=True)
    y = block(x)
    assert y.shape == (2, 4, 2, 2)
    np.testing.assert_allclose(y.detach().numpy(), np.maximum(branch(x).detach().numpy() + shortcut(x).detach().numpy(), 0),
                               rtol=1e-10, atol=1e-12)
    assert mg.gradcheck(block, [x])
    y.sum().backward()
    assert all(p.grad is not None for p in block.parameters())
