"""Every bad argument gets torch's exception type (tests/idioms_arguments.py holds the
answers, checked against torch in test_pytorch_idioms.py) and a message that names the op
and the argument, raised where the argument enters, not from numpy inside."""

import builtins

import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as minigrad_F
from idioms_arguments import DELIBERATE, IDIOMS

#: idiom name -> what the message must say (a regex): the op, and the argument or the value.
MESSAGES = {
    'sum of a float dim': r"sum: dim must be an int.*1\.5",
    'sum of a str dim': r"sum: dim must be an int.*'1'",
    'sum of a repeated dim': r"sum: dim 0 appears multiple times",
    'mean of a repeated dim': r"mean: dim 1 appears multiple times",
    'amax of a float dim in a tuple': r"amax: dim must be an int.*1\.5",
    'logsumexp of a float dim': r"logsumexp: dim must be an int.*2\.0",
    'var of a repeated dim': r"var: dim 0 appears multiple times",
    'any of a repeated dim': r"any: dim 1 appears multiple times",
    'squeeze of a float dim': r"squeeze: dim must be an int",
    'squeeze of a repeated dim': r"squeeze: dim 0 appears multiple times",
    'max of a float dim': r"max: dim must be an int.*1\.5",
    'argmax out of range': r"argmax: Dimension out of range.*\[-2, 1\].*5",
    'softmax of a float dim': r"softmax: dim must be an int",
    'cumsum of dim None': r"cumsum: dim must be an int.*None",
    'transpose of dim None': r"transpose: dim must be an int.*None",
    'permute of a repeated dim': r"permute: dim 0 appears multiple times",
    'permute of -1 and 1': r"permute: dim 1 appears multiple times",
    'permute of a float dim': r"permute: dim must be an int.*1\.5",
    'flatten out of range': r"flatten: Dimension out of range",
    'unsqueeze of dim None': r"unsqueeze: dim must be an int.*None",
    'unsqueeze of a float dim': r"unsqueeze: dim must be an int.*2\.0",
    'unsqueeze out of range': r"unsqueeze: Dimension out of range.*\[-3, 2\]",
    'cat of a float dim': r"cat: dim must be an int.*2\.0",
    'stack of a float dim': r"stack: dim must be an int.*1\.5",
    'stack of a str dim': r"stack: dim must be an int.*'1'",
    'gather of dim None': r"gather: dim must be an int.*None",
    'sort out of range': r"sort: Dimension out of range",
    'topk of a float dim': r"topk: dim must be an int",
    'index_select out of range': r"index_select: Dimension out of range",
    'narrow of a float start': r"narrow: start and length must be an int.*1\.5",
    'narrow of a str start': r"narrow: start and length must be an int.*'0'",
    'select of a float index': r"select: index must be an int.*1\.5",
    'select of a str index': r"select: index must be an int.*'0'",
    'roll of a float shift': r"roll: shifts must be an int.*1\.5",
    'roll of a str shift': r"roll: shifts must be an int.*'a'",
    'flip of a repeated dim': r"flip: dim 0 appears multiple times",
    'split of 0': r"split: split_size must be >= 1.*got 0",
    'split of -1': r"split: split_size must be >= 1.*got -1",
    'split of a float size': r"split: split_size_or_sections must be an int",
    'split of negative sizes': r"split: the sizes must not be negative",
    'chunk of 0': r"chunk: chunks must be greater than 0, got 0",
    'chunk of -1': r"chunk: chunks must be greater than 0, got -1",
    'chunk of a float': r"chunk: chunks must be an int.*1\.5",
    'zeros of -1': r"zeros: sizes must be >= 0.*\[-1\]",
    'zeros of 2.5': r"zeros: size must be ints.*2\.5",
    "zeros of '3'": r"zeros: size must be ints.*'3'",
    'zeros of True': r"zeros: size must be ints.*True",
    'zeros of None': r"zeros: size must be ints.*None",
    'ones of (2, -1)': r"ones: sizes must be >= 0.*\[2, -1\]",
    'empty of 2.5': r"empty: size must be ints.*2\.5",
    "randn of '3'": r"randn: size must be ints.*'3'",
    'randn of -1': r"randn: sizes must be >= 0",
    'rand of 2.5': r"rand: size must be ints.*2\.5",
    'randn of an int dtype': r"randn: random floats of dtype int64",
    "full of 'a'": r"full: fill_value must be a number.*'a'",
    'full of None': r"full: fill_value must be a number.*None",
    'full of a list': r"full: fill_value must be a number.*\[1, 2\]",
    'full of an int size': r"full: size must be a tuple of ints.*write full\(\(2,\)",
    'full of a negative size': r"full: sizes must be >= 0",
    'arange of step 0': r"arange: step must be nonzero",
    'arange of step 0.0': r"arange: step must be nonzero",
    'arange to NaN': r"arange: unsupported range: 0 -> nan",
    'arange to inf': r"arange: unsupported range: 0 -> inf",
    'arange of a NaN step': r"arange: step must be nonzero and finite, got nan",
    'arange of the wrong sign': r"arange: the bounds 5 -> 0 are inconsistent with the sign",
    'arange of a negative step upwards': r"arange: the bounds 0 -> 5 are inconsistent",
    "arange of '3'": r"arange: end must be a number.*'3'",
    'arange of None': r"arange: end must be a number.*None",
    'arange of 2**70': r"arange: .*too big for int64",
    'linspace of -1 steps': r"linspace: steps must be >= 0, got -1",
    'linspace of 2.5 steps': r"linspace: steps must be an int.*2\.5",
    "linspace from 'a'": r"linspace: start must be a number.*'a'",
    'eye of -1': r"eye: n must be >= 0, got -1",
    'eye of m -1': r"eye: m must be >= 0, got -1",
    'eye of 2.5': r"eye: n must be an int.*2\.5",
    'randint of high <= low': r"randint: low must be less than high, got low=5 >= high=2",
    'randint of high == low': r"randint: low must be less than high",
    'randint of a negative size': r"randint: sizes must be >= 0",
    'randint of an int size': r"randint: size must be a tuple of ints.*3",
    'randint of a float size': r"randint: size must be ints.*2\.5",
    'randint of a str size': r"randint: size must be ints.*'a'",
    'randint of a float low': r"randint: low must be an int.*0\.5",
    'randperm of -1': r"randperm: n must be >= 0, got -1",
    'randperm of 2.5': r"randperm: n must be an int.*2\.5",
    'randn of generator 5': r"randn: generator must be an mg.Generator.*got int",
    "rand of generator 'x'": r"rand: generator must be an mg.Generator.*got str",
    'randint of generator 5': r"randint: generator must be an mg.Generator",
    'randperm of generator 5': r"randperm: generator must be an mg.Generator",
    'normal_ of generator 5': r"normal_: generator must be an mg.Generator",
    "Generator.manual_seed('a')": r"manual_seed: seed must be an int.*'a'",
    'Generator.manual_seed(1.5)': r"manual_seed: seed must be an int.*1\.5",
    'Generator.manual_seed(True)': r"manual_seed: seed must be an int.*True",
    'Generator.manual_seed(None)': r"manual_seed: seed must be an int.*None",
    'Generator.manual_seed(2**70)': r"manual_seed: seed must be in \[-2\*\*63, 2\*\*64\)",
    'Generator.manual_seed(2**64)': r"manual_seed: seed must be in",
    'Generator.manual_seed(-2**63 - 1)': r"manual_seed: seed must be in",
    "manual_seed('a')": r"manual_seed: seed must be an int.*'a'",
    'manual_seed(None)': r"manual_seed: seed must be an int.*None",
    'negation of a bool tensor': r"Negation, the `-` operator, on a bool tensor.*~mask",
    "tensor times 'a'": r"a tensor and str \('a'\)",
    "'a' plus a tensor": r"str \('a'\)",
    'where of shapes that do not broadcast': r"where: the shapes of condition \(3,\), input "
                                             r"\(2,\) and other \(3,\) do not broadcast",
    'reshape of -2': r"reshape: invalid shape dimension -2 at index 0",
    'reshape of two -1': r"reshape: only one dimension can be inferred",
    'reshape of a float size': r"reshape: shape must be an int.*2\.5",
    'view of a str size': r"reshape: shape must be an int.*'a'",
    'expand of a float size': r"expand: sizes must be an int.*2\.5",
    'repeat of a float': r"repeat: repeats must be an int.*1\.5",
    'a param group without params': r"SGD: a param group must have a 'params' key.*\['lr'\]",
    'add_param_group without params': r"SGD: a param group must have a 'params' key",
    'Adam of a param group without params': r"Adam: a param group must have a 'params' key",
    'params as a dict': r"SGD: params should be an iterable.*got dict; for one param group",
    'params None': r"SGD: params should be an iterable.*got NoneType",
    'params 5': r"SGD: params should be an iterable.*got int",
    'optimizer state_dict None': r"SGD.load_state_dict: expected a dict.*got NoneType",
    'optimizer state_dict a list': r"SGD.load_state_dict: expected a dict.*got list",
    'optimizer state_dict without param_groups': r"SGD.load_state_dict: .*no 'param_groups' key",
    'optimizer state_dict without state': r"SGD.load_state_dict: .*no 'state' key",
    'optimizer state_dict of two groups for one': r"SGD.load_state_dict: the checkpoint has 2 "
                                                  r"param groups, this optimizer 1",
    'optimizer state_dict of too many params': r"SGD.load_state_dict: param group 0 has 2 "
                                               r"parameters in the checkpoint but 1 here",
    'optimizer state_dict group without params': r"SGD.load_state_dict: param group 0 has no "
                                                 r"'params' key",
    'optimizer state_dict group None': r"SGD.load_state_dict: param group 0 must be a dict",
    'optimizer state_dict params not a list': r"SGD.load_state_dict: param group 0's 'params' "
                                              r"must be a list",
    'optimizer state_dict param_groups None': r"SGD.load_state_dict: 'param_groups' must be a list",
    'optimizer state_dict state None': r"SGD.load_state_dict: 'state' must be a dict",
    'optimizer state_dict state of an unknown index': r"SGD.load_state_dict: the checkpoint has "
                                                      r"state for parameter 5",
    'optimizer state_dict state entry None': r"SGD.load_state_dict: the state of parameter 0 "
                                             r"must be a dict, got NoneType",
    'optimizer state_dict of a wrong-shaped buffer': r"SGD.load_state_dict: state "
                                                     r"'momentum_buffer' of parameter 0 has shape "
                                                     r"\(5,\), the parameter \(3,\)",
    'scheduler state_dict None': r"StepLR.load_state_dict: expected a dict.*got NoneType",
    'scheduler state_dict a list': r"StepLR.load_state_dict: expected a dict.*got list",
    'scheduler state_dict of an unknown key': r"StepLR.load_state_dict: unknown keys \['bogus'\]",
    'scheduler state_dict of a str last_epoch': r"StepLR.load_state_dict: 'last_epoch' must be a "
                                                r"number.*got str",
    'scheduler state_dict of base_lrs None': r"StepLR.load_state_dict: 'base_lrs' must be a list",
    'Module.load_state_dict(None)': r"load_state_dict: expected a dict.*got NoneType",
    'Module.load_state_dict of a list': r"load_state_dict: expected a dict.*got list",
    'Module.load_state_dict of a str': r"load_state_dict: expected a dict.*got str",
    'Module.load_state_dict of int keys': r"load_state_dict: the keys must be str.*int 1",
    'Module.load_state_dict of a str value': r"(?s)load_state_dict: cannot load into Linear.*"
                                             r"'weight': expected a Tensor, got str",
    'DataLoader of generator 5': r"DataLoader: generator must be an mg.Generator.*got int",
    "DataLoader of generator 'x'": r"DataLoader: generator must be an mg.Generator.*got str",
    'RandomSampler of generator 5': r"RandomSampler: generator must be an mg.Generator",
    'random_split of generator 5': r"random_split: generator must be an mg.Generator",
    "clamp of 'a'": r"clamp: min must be a number or a Tensor, got str 'a'",
    "clamp of a list": r"clamp: min must be a number or a Tensor, got list",
    "clamp of max 'b'": r"clamp: max must be a number or a Tensor, got str 'b'",
    "masked_fill of 'a'": r"masked_fill: value must be a number or a 0-dim tensor, got str",
}


def _raises(name, answer):
    answer = DELIBERATE.get(name, answer)
    return isinstance(answer, tuple) and answer[:1] == ("raises",)


def test_every_error_idiom_has_its_message():
    raising = {name for name, (_, answer) in IDIOMS.items() if _raises(name, answer)}
    assert raising == set(MESSAGES)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_the_message_names_the_op_and_the_argument(name):
    snippet, answer = IDIOMS[name]
    kind = getattr(builtins, DELIBERATE.get(name, answer)[1])
    scope = {"torch": minigrad, "F": minigrad_F, "np": np}
    with pytest.raises(kind, match=MESSAGES[name]) as caught:
        exec(snippet, scope)
    # raised by minigrad's own check, not by numpy or Python inside
    frame = caught.traceback[-1]
    assert "minigrad" in str(frame.path) and "numpy" not in str(frame.path), str(frame.path)


def _stepped(make_optimizer):
    w = minigrad.nn.Parameter(minigrad.tensor([1.0, -2.0, 3.0]))
    opt = make_optimizer([w])
    for _ in range(2):
        (w * w).sum().backward()
        opt.step()
        opt.zero_grad()
    return w


def _lrs(make_scheduler):
    w = minigrad.nn.Parameter(minigrad.ones(2))
    opt = minigrad.optim.SGD([w], lr=1.0)
    sched = make_scheduler(opt)
    lrs = []
    for _ in range(4):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    return lrs


nn, optim, data = minigrad.nn, minigrad.optim, minigrad.utils.data
X4 = np.arange(32.0, dtype=np.float32).reshape(1, 2, 4, 4)

#: name -> f(i, f): the same computation, where i(...) and f(...) make the ints and the floats
#: (Python numbers, or numpy scalars).
NUMPY_SCALAR_CASES = {
    "SGD lr, momentum, dampening, weight_decay": lambda i, f: _stepped(lambda p: optim.SGD(
        p, lr=f(0.1), momentum=f(0.9), dampening=f(0.1), weight_decay=f(0.01))),
    "Adam lr, betas, eps, weight_decay": lambda i, f: _stepped(lambda p: optim.Adam(
        p, lr=f(0.1), betas=(f(0.8), f(0.99)), eps=f(1e-6), weight_decay=f(0.01))),
    "AdamW, RMSprop, Adagrad, Adadelta": lambda i, f: [_stepped(lambda p: cls(p, lr=f(0.1)))
                                                       for cls in (optim.AdamW, optim.RMSprop,
                                                                   optim.Adagrad,
                                                                   optim.Adadelta)],
    "Dropout p (eval) and dropout p=0": lambda i, f: (
        nn.Dropout(p=f(0.5)).eval()(minigrad.ones(3)),
        minigrad_F.dropout(minigrad.ones(3), p=f(0.0))),
    "LeakyReLU negative_slope": lambda i, f: nn.LeakyReLU(f(0.1))(minigrad.tensor([-1.0, 2.0])),
    "leaky_relu negative_slope": lambda i, f: minigrad_F.leaky_relu(minigrad.tensor([-1.0]),
                                                                    f(0.2)),
    "Conv2d kernel_size, stride, padding": lambda i, f: nn.Conv2d(
        2, 3, i(3), stride=i(2), padding=i(1)).weight.shape + nn.Conv2d(
        2, 3, i(3), stride=i(2), padding=i(1))(minigrad.tensor(X4)).shape,
    "max_pool2d and avg_pool2d": lambda i, f: (
        minigrad_F.max_pool2d(minigrad.tensor(X4), i(2), i(2)),
        minigrad_F.avg_pool2d(minigrad.tensor(X4), i(2), i(1), i(1))),
    "dims of sum, softmax, transpose, cat, gather, topk, narrow": lambda i, f: (
        minigrad.tensor(X4).sum(i(1)), minigrad.tensor(X4).sum((i(0), i(-1))),
        minigrad.tensor(X4).softmax(i(-1)), minigrad.tensor(X4).transpose(i(1), i(2)),
        minigrad.cat([minigrad.ones(2), minigrad.zeros(1)], i(0)),
        minigrad.tensor(X4).topk(i(2), i(3)).values, minigrad.tensor(X4).narrow(i(2), i(1), i(2)),
        minigrad.tensor(X4).unsqueeze(i(0)).shape, minigrad.tensor(X4).split(i(1), i(1))[0]),
    "sizes of zeros, ones, full, randn, reshape, view, arange, eye": lambda i, f: (
        minigrad.zeros(i(2), i(3)), minigrad.ones((i(2),)), minigrad.full((i(2),), f(1.5)),
        minigrad.randn(i(2), i(3)).shape, minigrad.tensor(X4).reshape(i(2), i(-1)).shape,
        minigrad.tensor(X4).view((i(4), i(8))).shape, minigrad.arange(i(1), i(7), i(2)),
        minigrad.eye(i(2)), minigrad.linspace(f(0.0), f(1.0), i(3)),
        minigrad.randint(i(0), i(5), (i(2),)).shape, minigrad.randperm(i(4)).shape),
    "fill values": lambda i, f: (minigrad.full((2,), i(3)), minigrad.full((2,), f(0.5)),
                                 minigrad.ones(2).fill_(f(2.5)),
                                 minigrad.ones(2).masked_fill(minigrad.tensor([True, False]),
                                                              f(0.5))),
    "clamp bounds": lambda i, f: (minigrad.tensor([-2.0, 0.5, 3.0]).clamp(f(-1.0), f(1.0)),
                                  minigrad.tensor([-2, 0, 3]).clamp(min=i(0))),
    "Generator and manual_seed seeds": lambda i, f: (
        minigrad.randn(3, generator=minigrad.Generator().manual_seed(i(7))),
        minigrad.manual_seed(i(3)) and minigrad.rand(2)),
    "DataLoader batch_size": lambda i, f: [b[0].shape for b in data.DataLoader(
        data.TensorDataset(minigrad.ones(5, 2)), batch_size=i(2))],
    "RandomSampler and DataLoader generator seeds": lambda i, f: [b[0] for b in data.DataLoader(
        data.TensorDataset(minigrad.arange(6)), batch_size=i(3), shuffle=True,
        generator=minigrad.Generator().manual_seed(i(1)))],
    "StepLR step_size and gamma": lambda i, f: _lrs(lambda o: optim.lr_scheduler.StepLR(
        o, step_size=i(2), gamma=f(0.5))),
    "CosineAnnealingLR T_max and eta_min": lambda i, f: _lrs(
        lambda o: optim.lr_scheduler.CosineAnnealingLR(o, T_max=i(3), eta_min=f(0.1))),
    "ExponentialLR and MultiStepLR": lambda i, f: (
        _lrs(lambda o: optim.lr_scheduler.ExponentialLR(o, gamma=f(0.9))),
        _lrs(lambda o: optim.lr_scheduler.MultiStepLR(o, milestones=[i(1), i(3)],
                                                      gamma=f(0.5)))),
}


def _plain(value):
    if isinstance(value, minigrad.Tensor):
        return (value.dtype.name, value.tolist())
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize("kinds", [(np.int64, np.float32), (np.int32, np.float64)],
                         ids=["int64-float32", "int32-float64"])
@pytest.mark.parametrize("name", sorted(NUMPY_SCALAR_CASES))
def test_numpy_scalars_are_taken_wherever_a_python_number_is(name, kinds):
    """np.float32(0.5) or np.int64(3) gives what 0.5 or 3 gives (up to the float32 rounding
    of the value itself)."""
    int_kind, float_kind = kinds
    case = NUMPY_SCALAR_CASES[name]
    minigrad.manual_seed(0)
    as_python = _plain(case(int, lambda v: float(float_kind(v))))
    minigrad.manual_seed(0)
    as_numpy = _plain(case(int_kind, float_kind))
    assert as_numpy == as_python
