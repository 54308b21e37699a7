"""nn.Module's PyTorch vocabulary: dtype and device moves, lookup by dotted path, buffers,
state_dict's options, forward pre-/post-hooks and full backward hooks, the containers
(Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict), the printed layout, and
the orthogonal and truncated-normal initializers. Expected values are hand-computed; where
PyTorch is installed, the same calls on torch give the same answers."""

import math
from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import init


def randn(*shape, seed=0, dtype=np.float64, requires_grad=False):
    values = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return mg.tensor(values, requires_grad=requires_grad)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.bn = nn.BatchNorm1d(3)
        self.register_buffer("scratch", mg.zeros(3), persistent=False)

    def forward(self, x):
        return self.bn(self.fc(x)) + self.scratch


# ----- dtype, device, requires_grad ----------------------------------------------------------


@pytest.mark.parametrize("move", [
    lambda m: m.to(mg.float64), lambda m: m.to(np.float64), lambda m: m.to(dtype=mg.float64),
    lambda m: m.to("cpu", mg.float64), lambda m: m.to(mg.device("cpu"), dtype=mg.float64),
    lambda m: m.to(mg.zeros(1, dtype=mg.float64)), lambda m: m.double(),
    lambda m: m.half().to(mg.float64),
])
def test_to_converts_floating_tensors_in_place_and_keeps_integer_buffers(move):
    net = Net()
    weight = net.fc.weight
    net(randn(4, 2, dtype=np.float32)).sum().backward()
    assert move(net) is net
    assert net.fc.weight is weight and weight.dtype == mg.float64 and weight.grad.dtype == mg.float64
    assert net.bn.running_mean.dtype == mg.float64
    assert net.scratch.dtype == mg.float64  # not saved, but moved
    assert net.bn.num_batches_tracked.dtype == mg.int64
    assert net(randn(4, 2)).dtype == mg.float64


def test_to_cpu_float_half_and_type():
    net = Net()
    assert net.to("cpu") is net and net.cpu() is net and net.fc.weight.dtype == mg.float32
    assert net.half().fc.weight.dtype == mg.float16
    assert net.float().fc.weight.dtype == mg.float32
    net.type(mg.float64)  # every tensor, integer buffers too, as torch's Module.type
    assert net.bn.num_batches_tracked.dtype == mg.float64 and net.fc.bias.dtype == mg.float64


def test_type_to_an_int_dtype_refuses_parameters_that_require_grad():
    net = Net()
    with pytest.raises(RuntimeError, match="requires gradients must be floating point"):
        net.type(mg.int32)
    assert net.fc.weight.dtype == mg.float32 and net.bn.running_mean.dtype == mg.float32
    net.requires_grad_(False).type(mg.int32)  # as in torch: then every tensor becomes int32
    assert net.fc.weight.dtype == mg.int32 and net.bn.running_mean.dtype == mg.int32


@pytest.mark.parametrize("call, error, words", [
    (lambda m: m.to(mg.int64), TypeError, "only accepts floating point dtypes"),
    (lambda m: m.to("cuda"), RuntimeError, "CPU only"),
    (lambda m: m.cuda(), RuntimeError, "CPU only"),
    (lambda m: m.to(mg.float64, copy=True), TypeError, "unexpected keyword 'copy'"),
    (lambda m: m.to([1]), TypeError, "expected a dtype, a device or a Tensor"),
])
def test_bad_moves_are_clear_errors(call, error, words):
    with pytest.raises(error, match=words):
        call(Net())


def test_requires_grad_freezes_and_unfreezes_every_parameter():
    net = Net()
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_()
    assert all(p.requires_grad for p in net.parameters())


# ----- names: lookup, registration, walking --------------------------------------------------


def test_get_submodule_parameter_and_buffer():
    net = Net()
    assert net.get_submodule("") is net and net.get_submodule("bn") is net.bn
    assert net.get_parameter("fc.weight") is net.fc.weight
    assert net.get_buffer("bn.running_mean") is net.bn.running_mean
    assert net.get_buffer("scratch") is net.scratch


@pytest.mark.parametrize("method, target, message", [
    ("get_submodule", "fc.weight", "`weight` is not an nn.Module"),
    ("get_submodule", "head", "Net has no attribute `head`"),
    ("get_parameter", "fc", "`fc` is not an nn.Parameter"),
    ("get_parameter", "fc.nope", "Linear has no attribute `nope`"),
    ("get_parameter", "fc.weight.x", "`weight` is not an nn.Module"),
    ("get_buffer", "fc.weight", "`weight` is not a buffer"),
])
def test_lookup_errors_are_torchs(method, target, message):
    with pytest.raises(AttributeError) as caught:
        getattr(Net(), method)(target)
    assert str(caught.value) == message


@pytest.mark.parametrize("call, error, message", [
    (lambda m: m.register_buffer(3, mg.zeros(1)), TypeError, "buffer name should be a string. Got int"),
    (lambda m: m.register_buffer("a.b", mg.zeros(1)), KeyError, 'buffer name can\'t contain "."'),
    (lambda m: m.register_buffer("", mg.zeros(1)), KeyError, 'buffer name can\'t be empty string ""'),
    (lambda m: m.register_buffer("fc", mg.zeros(1)), KeyError, "attribute 'fc' already exists"),
    (lambda m: m.register_buffer("x", 3), TypeError,
     "cannot assign 'int' object to buffer 'x' (Tensor or None required)"),
    (lambda m: m.add_module(3, nn.ReLU()), TypeError, "module name should be a string. Got int"),
    (lambda m: m.add_module("a.b", nn.ReLU()), KeyError, 'module name can\'t contain ".", got: a.b'),
    (lambda m: m.add_module("scratch", nn.ReLU()), KeyError, "attribute 'scratch' already exists"),
    (lambda m: m.register_module("x", 3), TypeError, "int is not a Module subclass"),
])
def test_registration_errors_are_torchs(call, error, message):
    with pytest.raises(error) as caught:
        call(Net())
    assert caught.value.args[0] == message


def test_add_module_and_register_buffer_keep_what_they_are_given():
    net, relu, values = Net(), nn.ReLU(), mg.ones(2)
    net.add_module("act", relu)
    net.register_module("act2", relu)
    net.register_buffer("kept", values)
    assert net.act is relu and net.act2 is relu and net.kept is values  # no copy, as torch
    net.register_buffer("kept", None)
    assert net.kept is None and "kept" in dict(net._buffers)


def test_named_modules_memo_prefix_and_duplicates():
    shared = nn.Linear(1, 1)
    model = nn.Sequential(shared, nn.Sequential(shared, nn.ReLU()))
    assert [n for n, _ in model.named_modules()] == ["", "0", "1", "1.1"]
    assert [n for n, _ in model.named_modules(prefix="m")] == ["m", "m.0", "m.1", "m.1.1"]
    assert [n for n, _ in model.named_modules(remove_duplicate=False)] == [
        "", "0", "1", "1.0", "1.1"]
    memo = {shared}
    assert [n for n, _ in model.named_modules(memo)] == ["", "1", "1.1"]
    assert model in memo
    assert [n for n, _ in model.named_parameters(remove_duplicate=False)] == [
        "0.weight", "0.bias", "1.0.weight", "1.0.bias"]


# ----- state_dict ----------------------------------------------------------------------------


def test_state_dict_options():
    net = Net()
    state = net.state_dict()
    assert isinstance(state, OrderedDict)
    assert list(state) == ["fc.weight", "fc.bias", "bn.weight", "bn.bias", "bn.running_mean",
                           "bn.running_var", "bn.num_batches_tracked"]  # not "scratch"
    assert not state["fc.weight"].requires_grad
    assert net.state_dict(keep_vars=True)["fc.weight"] is net.fc.weight
    assert list(net.state_dict(prefix="net."))[0] == "net.fc.weight"
    destination = {"epoch": 3}
    assert net.state_dict(destination=destination) is destination and len(destination) == 8
    assert list(net.state_dict(None, "p.", True))[0] == "p.fc.weight"
    with pytest.raises(TypeError, match="at most 3 positional"):
        net.state_dict(None, "", False, 1)
    # the non-persistent buffer is neither expected nor loaded
    other = Net()
    assert other.load_state_dict(state) == ([], [])


def test_state_dict_lists_a_shared_module_under_each_name():
    shared = nn.Linear(1, 1)
    model = nn.Sequential(shared, shared)
    assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    model.load_state_dict(model.state_dict())


# ----- forward hooks -------------------------------------------------------------------------


class Scale(nn.Module):
    def forward(self, x, factor=1.0):
        return x * factor


def test_call_passes_keywords_and_runs_hooks_in_torchs_order():
    module, seen = Scale(), []
    module.register_forward_pre_hook(lambda m, args: seen.append(("pre", args)))
    module.register_forward_hook(lambda m, args, out: seen.append(("post", args, out)))
    module.register_forward_pre_hook(lambda m, args: seen.append(("first",)), prepend=True)
    x = mg.tensor([1.0, 2.0])
    out = module(x, factor=3.0)
    assert out.tolist() == [3.0, 6.0]
    assert [s[0] for s in seen] == ["first", "pre", "post"]
    assert seen[1][1] == (x,) and seen[2][2] is out  # kwargs are not in args


def test_forward_pre_hook_replaces_the_arguments():
    module = Scale()
    handle = module.register_forward_pre_hook(lambda m, args: args[0] * 2)  # not a tuple
    assert module(mg.tensor([1.0])).tolist() == [2.0]
    handle.remove()
    module.register_forward_pre_hook(lambda m, args: (args[0], 5.0))
    assert module(mg.tensor([1.0])).tolist() == [5.0]


def test_forward_hooks_with_kwargs():
    module = Scale()
    module.register_forward_pre_hook(lambda m, args, kwargs: (args, {"factor": 10.0}),
                                     with_kwargs=True)
    module.register_forward_hook(lambda m, args, kwargs, out: out + kwargs["factor"],
                                 with_kwargs=True)
    assert module(mg.tensor([1.0]), factor=2.0).tolist() == [20.0]
    bad = Scale()
    bad.register_forward_pre_hook(lambda m, args, kwargs: 5, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"must return None or a tuple of \(new_args, "):
        bad(mg.tensor([1.0]))
    with pytest.raises(NotImplementedError, match="always_call"):
        bad.register_forward_hook(print, always_call=True)


# ----- full backward hooks -------------------------------------------------------------------


def test_backward_hook_sees_the_gradients_of_inputs_and_outputs():
    layer = nn.Linear(3, 2).to(mg.float64)
    calls = []
    layer.register_full_backward_hook(lambda m, gi, go: calls.append((m, gi, go)))
    x = randn(4, 3, requires_grad=True)
    upstream = randn(4, 2, seed=1)
    (layer(x) * upstream).sum().backward()
    (module, (grad_x,), (grad_y,)), = calls
    assert module is layer
    np.testing.assert_allclose(grad_y.numpy(), upstream.numpy(), rtol=0, atol=0)
    np.testing.assert_allclose(grad_x.numpy(), upstream.numpy() @ layer.weight.detach().numpy(),
                               rtol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), grad_x.numpy(), rtol=0, atol=0)


def test_backward_hook_leaves_the_gradients_alone_unless_it_returns_some():
    def grads(hook):
        rng = np.random.default_rng(1)
        block = nn.Sequential(nn.Linear(3, 3, generator=rng), nn.Tanh(),
                              nn.Linear(3, 3, generator=rng)).to(mg.float64)
        if hook is not None:
            block.register_full_backward_hook(hook)
        x = randn(2, 3, requires_grad=True)
        out = block(x)
        out += x  # an in-place change of a hooked module's output, as in a ResNet
        (out * out).sum().backward()
        return x.grad.numpy(), block[0].weight.grad.numpy()

    plain = grads(None)
    np.testing.assert_array_equal(grads(lambda m, gi, go: None)[0], plain[0])
    np.testing.assert_array_equal(grads(lambda m, gi, go: None)[1], plain[1])
    doubled = grads(lambda m, gi, go: (gi[0] * 2,))
    np.testing.assert_array_equal(doubled[1], plain[1])  # the hook changes only x's
    zeroed = grads(lambda m, gi, go: (None,))
    # x then gets only the gradient of the skip path "+ x": 2 * out
    assert not np.allclose(zeroed[0], plain[0])
    np.testing.assert_allclose(doubled[0] - plain[0], plain[0] - zeroed[0], rtol=1e-12)


class Mixed(nn.Module):
    def forward(self, x, k, y=None):
        return x * k if y is None else x * k + y


class Pair(nn.Module):
    def forward(self, a, b):
        return a * 2, b * 3


def test_backward_hook_entries_follow_the_arguments():
    module, seen = Mixed(), []
    module.register_full_backward_hook(lambda m, gi, go: seen.append(
        [None if g is None else g.tolist() for g in gi + go]))
    x = mg.ones(2, requires_grad=True)
    module(x, 3.0).sum().backward()
    module(mg.ones(2), 2.0, x).sum().backward()  # a Tensor not requiring grad gets zeros
    module(mg.ones(2), 2.0).sum()  # nothing requires grad: no graph, no call
    assert seen == [[[3.0, 3.0], None, [1.0, 1.0]],
                    [[0.0, 0.0], None, [1.0, 1.0], [1.0, 1.0]]]  # as torch 2.13


class TwoOut(nn.Module):
    def forward(self, a, b):
        return a * 3 + b, a * 2


def test_backward_hook_gives_no_gradient_to_inputs_that_do_not_require_grad():
    module, seen = TwoOut(), []
    module.register_full_backward_hook(lambda m, gi, go: seen.append(gi))
    b = mg.ones(2, requires_grad=True)
    u, v = module(mg.ones(2), b)
    assert u.requires_grad and not v.requires_grad  # v comes from `a` alone, as in torch
    u.sum().backward()
    assert [g.tolist() for g in seen[0]] == [[0.0, 0.0], [1.0, 1.0]]  # torch's zeros
    module.register_full_backward_hook(lambda m, gi, go: (mg.full((2,), 7.0), gi[1] * 5))
    u, _ = module(mg.ones(2), b)
    b.grad = None
    u.sum().backward()
    assert b.grad.tolist() == [5.0, 5.0]  # the 7s for `a` have nowhere to go


def test_backward_hook_may_not_return_gradients_when_no_input_requires_grad():
    layer = nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda m, gi, go: (mg.ones(1, 2),))
    with pytest.raises(RuntimeError, match="no input requires gradient should always return"):
        layer(mg.ones(1, 2)).sum().backward()


def test_backward_hook_without_inputs_that_need_grad_and_with_two_outputs():
    layer, seen = nn.Linear(2, 2), []
    layer.register_full_backward_hook(lambda m, gi, go: seen.append((gi, go)))
    layer(mg.ones(1, 2)).sum().backward()  # a first layer: called from the output side
    assert seen[0][0] == (None,) and seen[0][1][0].tolist() == [[1.0, 1.0]]
    pair, seen = Pair(), []
    pair.register_full_backward_hook(lambda m, gi, go: seen.append((gi, go)))
    a, b = mg.ones(2, requires_grad=True), mg.ones(2, requires_grad=True)
    u, v = pair(a, b)
    u.sum().backward()
    (grad_a, grad_b), (grad_u, grad_v) = seen[0]
    assert grad_a.tolist() == [2.0, 2.0] and grad_b.tolist() == [0.0, 0.0]  # zeros, as torch
    assert grad_u.tolist() == [1.0, 1.0] and grad_v is None


def test_backward_hook_errors_and_removal():
    pair = Pair()
    handle = pair.register_full_backward_hook(lambda m, gi, go: (gi[0],))
    a, b = mg.ones(2, requires_grad=True), mg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="invalid number of grad_input, got 1, but expected 2"):
        sum(t.sum() for t in pair(a, b)).backward()
    handle.remove()
    pair.register_full_backward_hook(lambda m, gi, go: (mg.ones(3), None))
    with pytest.raises(RuntimeError, match=r"shape \(3,\) for an input of shape \(2,\)"):
        sum(t.sum() for t in pair(a, b)).backward()


def test_backward_hook_of_inputs_of_two_dtypes():
    seen = []
    module = Mixed()
    module.register_full_backward_hook(lambda m, gi, go: seen.append(gi))
    x = mg.ones(2, dtype=mg.float32, requires_grad=True)
    y = mg.ones(2, dtype=mg.float64, requires_grad=True)
    out = module(x, 2.0, y)
    assert out.dtype == mg.float64
    out.sum().backward()
    assert [g.dtype for g in seen[0] if g is not None] == [mg.float32, mg.float64]
    assert x.grad.tolist() == [2.0, 2.0] and y.grad.tolist() == [1.0, 1.0]


def test_backward_hook_matches_torch():
    torch = pytest.importorskip("torch")
    weight = np.random.default_rng(0).standard_normal((2, 3))
    x_values = np.random.default_rng(1).standard_normal((4, 3))
    found = {}
    for lib, module_lib in ((mg, nn), (torch, torch.nn)):
        layer = module_lib.Sequential(module_lib.Linear(3, 2, bias=False), module_lib.Tanh())
        with lib.no_grad():
            layer[0].weight.copy_(lib.tensor(weight, dtype=lib.float32))
        record = []
        layer.register_full_backward_hook(lambda m, gi, go: record.append(
            [g.detach().numpy().copy() for g in gi + go]))
        x = lib.tensor(x_values, dtype=lib.float32, requires_grad=True)
        (layer(x) ** 2).sum().backward()
        found[lib.__name__] = record[0]
    for ours, theirs in zip(found["minigrad"], found["torch"]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


# ----- containers ----------------------------------------------------------------------------


def names(container):
    return list(container._modules)


def test_sequential_from_an_ordered_dict_keeps_names_and_slices_keep_them():
    conv, act, pool = nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2)
    seq = nn.Sequential(OrderedDict([("conv", conv), ("act", act), ("pool", pool)]))
    assert names(seq) == ["conv", "act", "pool"] and seq.conv is conv and seq[1] is act
    tail = seq[1:]
    assert isinstance(tail, nn.Sequential) and names(tail) == ["act", "pool"]
    assert tail[0] is act and names(seq[::-1]) == ["pool", "act", "conv"]
    assert seq(mg.ones(1, 1, 6, 6)).shape == (1, 2, 2, 2)


def test_sequential_list_operations_renumber_as_torch():
    a, b, c, d = nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.Identity()
    seq = nn.Sequential(OrderedDict([("a", a), ("b", b), ("c", c)]))
    del seq[0]
    assert names(seq) == ["0", "1"] and list(seq) == [b, c]
    seq.insert(1, d)
    assert list(seq) == [b, d, c] and names(seq) == ["0", "1", "2"]
    seq.insert(-1, a)
    assert list(seq) == [b, d, a, c]
    seq[0] = c
    assert seq[0] is c and seq[-1] is c
    assert seq.pop(1) is d and list(seq) == [c, a, c]
    seq.extend([b]).append(d)
    assert list(seq) == [c, a, c, b, d] and names(seq)[-1] == "4"
    del seq[1:3]
    assert list(seq) == [c, b, d] and names(seq) == ["0", "1", "2"]
    joined = seq + nn.Sequential(a)
    assert isinstance(joined, nn.Sequential) and list(joined) == [c, b, d, a]


@pytest.mark.parametrize("call, error, words", [
    (lambda s: s[3], IndexError, "index 3 is out of range"),
    (lambda s: s[-4], IndexError, "index -4 is out of range"),
    (lambda s: s[1.5], TypeError, "'float' object cannot be interpreted as an integer"),
    (lambda s: s.insert(5, nn.ReLU()), IndexError, "Index out of range: 5"),
    (lambda s: s.insert(0, 3), TypeError, "int is not a Module subclass"),
    (lambda s: s.append(3), TypeError, "int is not a Module subclass"),
    (lambda s: s.__setitem__(0, 3), TypeError,
     r"cannot assign 'int' as child module '0' \(nn.Module or None expected\)"),
    (lambda s: s.extend(3), TypeError, "extend should be called with an iterable, but got int"),
    (lambda s: nn.Sequential(nn.ReLU(), 3), TypeError, "int is not a Module subclass"),
])
@pytest.mark.parametrize("kind", [nn.Sequential, nn.ModuleList])
def test_sequence_errors(kind, call, error, words):
    container = kind([nn.ReLU(), nn.Tanh(), nn.ReLU()]) if kind is nn.ModuleList else kind(
        nn.ReLU(), nn.Tanh(), nn.ReLU())
    with pytest.raises(error, match=words):
        call(container)


def test_module_list_operations():
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    modules = nn.ModuleList([a, b])
    modules.insert(0, c)
    assert list(modules) == [c, a, b] and names(modules) == ["0", "1", "2"]
    modules[1] = b
    del modules[0]
    assert list(modules) == [b, b] and names(modules) == ["0", "1"]
    both = modules + [a]
    assert isinstance(both, nn.ModuleList) and list(both) == [b, b, a]
    modules += [c]
    assert list(modules) == [b, b, c] and names(modules[1:]) == ["0", "1"]
    assert modules.pop(-1) is c and len(modules) == 2


def test_module_dict():
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Linear(1, 1)
    d = nn.ModuleDict({"b": b, "a": a})
    assert list(d) == ["b", "a"] and list(d.keys()) == ["b", "a"]  # insertion order, as torch
    assert "a" in d and "z" not in d and len(d) == 2 and d["a"] is a
    d["lin"] = c
    assert [n for n, _ in d.named_parameters()] == ["lin.weight", "lin.bias"]
    d.update([("a", c), ("x", a)])
    assert list(d.items()) == [("b", b), ("a", c), ("lin", c), ("x", a)]
    assert d.pop("b") is b and list(d.values()) == [c, c, a]
    del d["x"]
    d.clear()
    assert len(d) == 0 and repr(d) == "ModuleDict()"
    with pytest.raises(KeyError):
        d["missing"]
    for call, error, words in [
        (lambda: d.update(3), TypeError, "iterable of key/value pairs, but got int"),
        (lambda: d.update([("a",)]), ValueError, "element #0 has length 1; 2 is required"),
        (lambda: d.update([3]), TypeError, "element #0 should be Iterable"),
        (lambda: d.__setitem__("a", 3), TypeError, "int is not a Module subclass"),
        (lambda: d.__setitem__(1, a), TypeError, "module name should be a string"),
    ]:
        with pytest.raises(error, match=words):
            call()


def test_parameter_list():
    first = nn.Parameter(np.zeros((2, 3)))
    params = nn.ParameterList([first, mg.ones(3)])
    assert params[0] is first and isinstance(params[1], nn.Parameter) and params[1].requires_grad
    params.append(mg.zeros(1)).extend([mg.zeros(2)])
    assert len(params) == 4 and [n for n, _ in params.named_parameters()] == ["0", "1", "2", "3"]
    assert list(params)[0] is first and params[-1].shape == (2,)
    assert len(list(mg.optim.SGD(params.parameters(), lr=0.1).param_groups[0]["params"])) == 4
    params[1] = mg.zeros(5)
    assert params[1].shape == (5,)
    sliced = params[1:3]
    assert isinstance(sliced, nn.ParameterList) and list(sliced._parameters) == ["0", "1"]
    assert repr(nn.ParameterList([first])) == (
        "ParameterList(  (0): Parameter containing: [float64 of size 2x3])")
    assert repr(params[:2]) == ("ParameterList(\n"
                                "    (0): Parameter containing: [float64 of size 2x3]\n"
                                "    (1): Parameter containing: [float32 of size 5]\n)")
    for call, error, words in [
        (lambda: params[4], IndexError, "index 4 is out of range"),
        (lambda: params.extend(mg.zeros(2)), TypeError, "called with an iterable, but got Tensor"),
        (lambda: params.append(3), TypeError, "ParameterList: expected a Tensor or Parameter"),
    ]:
        with pytest.raises(error, match=words):
            call()


def test_parameter_dict():
    params = nn.ParameterDict({"w": mg.zeros(2, 3), "b": nn.Parameter(np.zeros(2))})
    assert list(params) == ["b", "w"]  # a plain dict is sorted, as torch does
    assert isinstance(params["w"], nn.Parameter) and "w" in params and len(params) == 2
    params.update(OrderedDict([("z", mg.ones(1)), ("a", mg.ones(1))]))
    assert list(params.keys()) == ["b", "w", "z", "a"]
    assert params.pop("z").shape == (1,) and [n for n, _ in params.named_parameters()] == [
        "b", "w", "a"]
    assert repr(nn.ParameterDict({"w": mg.zeros(2, 3)})) == (
        "ParameterDict(  (w): Parameter containing: [float32 of size 2x3])")
    with pytest.raises(AttributeError, match="no key 'missing'"):
        params["missing"]


# ----- printing ------------------------------------------------------------------------------


def small_model(nn_):
    """The same model in minigrad.nn and torch.nn: every layer both have, nested."""
    return nn_.Sequential(
        nn_.Conv2d(3, 16, 3, padding=1, bias=False), nn_.BatchNorm2d(16), nn_.ReLU(),
        nn_.Conv2d(16, 16, (3, 5), stride=2, dilation=2, groups=4),
        nn_.Conv2d(16, 8, 3, padding="same"), nn_.MaxPool2d(2), nn_.MaxPool2d((2, 3), 1, 1),
        nn_.AvgPool2d(3, stride=1, padding=1),
        nn_.ModuleList([nn_.Identity(), nn_.Dropout(0.25)]),
        nn_.ModuleDict({"head": nn_.Sequential(nn_.Flatten(), nn_.Linear(8, 10))}),
        nn_.BatchNorm1d(10, eps=1e-3, momentum=None, affine=False), nn_.Tanh(), nn_.Sigmoid(),
        nn_.Sequential(), nn_.CrossEntropyLoss(reduction="sum"), nn_.MSELoss(),
        nn_.Sequential(OrderedDict([("fc", nn_.Linear(2, 2, bias=False)), ("act", nn_.ReLU())])),
    )


SMALL_MODEL_REPR = """Sequential(
  (0): Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)
  (1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
  (2): ReLU()
  (3): Conv2d(16, 16, kernel_size=(3, 5), stride=(2, 2), dilation=(2, 2), groups=4)
  (4): Conv2d(16, 8, kernel_size=(3, 3), stride=(1, 1), padding=same)
  (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  (6): MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=1, ceil_mode=False)
  (7): AvgPool2d(kernel_size=3, stride=1, padding=1)
  (8): ModuleList(
    (0): Identity()
    (1): Dropout(p=0.25, inplace=False)
  )
  (9): ModuleDict(
    (head): Sequential(
      (0): Flatten(start_dim=1, end_dim=-1)
      (1): Linear(in_features=8, out_features=10, bias=True)
    )
  )
  (10): BatchNorm1d(10, eps=0.001, momentum=None, affine=False, bias=False, track_running_stats=True)
  (11): Tanh()
  (12): Sigmoid()
  (13): Sequential()
  (14): CrossEntropyLoss()
  (15): MSELoss()
  (16): Sequential(
    (fc): Linear(in_features=2, out_features=2, bias=False)
    (act): ReLU()
  )
)"""


def test_repr_is_torchs_layout():
    assert str(small_model(nn)) == SMALL_MODEL_REPR


def test_repr_matches_torch():
    torch = pytest.importorskip("torch")
    assert str(small_model(nn)) == str(small_model(torch.nn))


def test_container_operations_match_torch():
    torch = pytest.importorskip("torch")

    def story(nn_):
        seq = nn_.Sequential(OrderedDict([("a", nn_.ReLU()), ("b", nn_.Tanh()), ("c", nn_.ReLU())]))
        steps = [list(seq[1:]._modules)]
        del seq[0]
        steps.append(list(seq._modules))
        seq.insert(1, nn_.Identity())
        seq.append(nn_.Sigmoid())
        steps.append(str(seq))
        modules = nn_.ModuleList([nn_.ReLU(), nn_.Tanh(), nn_.Sigmoid()])
        del modules[0:2]
        modules.insert(0, nn_.Identity())
        steps.append(str(modules + nn_.ModuleList([nn_.ReLU()])))
        return steps

    assert story(nn) == story(torch.nn)


# ----- orthogonal_ and trunc_normal_ ---------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (7, 3), (4, 2, 3, 3), (1, 6)])
@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape, dtype, tolerance):
    weight = nn.Parameter(np.empty(shape, dtype=dtype))
    assert init.orthogonal_(weight, gain=2.0, generator=np.random.default_rng(0)) is weight
    matrix = weight.detach().numpy().reshape(shape[0], -1).astype(np.float64) / 2.0
    small = min(matrix.shape)
    gram = matrix @ matrix.T if matrix.shape[0] == small else matrix.T @ matrix
    np.testing.assert_allclose(gram, np.eye(small), rtol=0, atol=tolerance)
    assert weight.dtype == dtype


def test_orthogonal_is_uniform_over_signs_and_reproducible():
    # Without the sign fix of R's diagonal, QR of a Gaussian matrix gives Q with a biased
    # diagonal (numpy's R has a negative diagonal, so Q's diagonal is mostly negative).
    diagonals = np.array([init.orthogonal_(mg.empty(3, 3), generator=np.random.default_rng(s))
                          .numpy().diagonal() for s in range(2000)])
    # each diagonal entry of a Haar orthogonal 3 x 3 has mean 0 and variance 1/3
    assert np.abs(diagonals.mean(axis=0)).max() < 5 * math.sqrt(1 / 3 / 2000)
    again = [init.orthogonal_(mg.empty(4, 4), generator=np.random.default_rng(7)).numpy()
             for _ in range(2)]
    np.testing.assert_array_equal(again[0], again[1])


def test_orthogonal_errors_and_empty_tensor():
    with pytest.raises(ValueError, match="only tensors with 2 or more dimensions"):
        init.orthogonal_(mg.zeros(3))
    empty = mg.zeros(0, 3)
    assert init.orthogonal_(empty) is empty


def truncated_moments(mean, std, a, b):
    """Mean and variance of N(mean, std^2) restricted to [a, b] (the standard formulas)."""
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = [math.exp(-t * t / 2) / math.sqrt(2 * math.pi) for t in (alpha, beta)]
    mass = 0.5 * (math.erf(beta / math.sqrt(2)) - math.erf(alpha / math.sqrt(2)))
    shift = (pdf[0] - pdf[1]) / mass
    variance = 1 + (alpha * pdf[0] - beta * pdf[1]) / mass - shift ** 2
    return mean + std * shift, std * std * variance


@pytest.mark.parametrize("mean, std, a, b", [
    (0.0, 1.0, -2.0, 2.0), (0.0, 0.02, -0.04, 0.04), (1.0, 2.0, 2.0, 6.0),  # right tail
    (0.0, 1.0, -6.0, -3.0), (0.5, 1.0, -1.0, 0.6),  # far left tail, lopsided
])
def test_trunc_normal_has_the_truncated_moments_and_stays_inside(mean, std, a, b):
    n = 200_000
    weight = init.trunc_normal_(mg.empty(n, dtype=mg.float64), mean, std, a, b,
                                generator=np.random.default_rng(0))
    values = weight.numpy()
    assert values.min() >= a and values.max() <= b
    want_mean, want_var = truncated_moments(mean, std, a, b)
    # 5 standard errors; the variance's standard error is below sqrt(2 / n) * var for any
    # distribution with a fourth moment at most 3 var^2 (a truncated normal's is).
    assert abs(values.mean() - want_mean) < 5 * math.sqrt(want_var / n)
    assert abs(values.var() - want_var) < 5 * math.sqrt(2 / n) * want_var
    assert values.max() - values.min() > 0.9 * (b - a) or (a, b) == (-6.0, -3.0)


def test_trunc_normal_float32_default_bounds_and_errors():
    weight = init.trunc_normal_(nn.Parameter(np.empty((64, 64), dtype=np.float32)))
    assert weight.dtype == mg.float32 and np.abs(weight.detach().numpy()).max() <= 2.0
    assert init.trunc_normal_(mg.empty(3), std=0.0, a=1.0).tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="std must be >= 0"):
        init.trunc_normal_(mg.empty(3), std=-1.0)
    with pytest.raises(ValueError, match="a=1.0 is above upper bound b=0.0"):
        init.trunc_normal_(mg.empty(3), a=1.0, b=0.0)


def test_the_normal_quantile_inverts_the_cdf():
    p = np.concatenate([np.logspace(-300, -1.7, 100), np.linspace(0.02, 0.98, 97),
                        1 - np.logspace(-15, -1.7, 50)])
    x = init._normal_quantile(p)
    back = np.array([0.5 * math.erfc(-t / math.sqrt(2)) for t in x])
    # Acklam's approximation is within 1.15e-9 * |x| of the quantile x; in a tail, where
    # Phi'(x) / Phi(x) ~ |x|, that moves the tail probability by ~1.15e-9 * x^2 of itself.
    tail = np.minimum(p, 1 - p)
    assert np.all(np.abs(back - p) / tail <= 2 * 1.15e-9 * np.maximum(x * x, 1.0))
