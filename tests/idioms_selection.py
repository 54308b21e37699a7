"""PyTorch-spelled snippets for sorting, picking and comparing by name (topk, sort,
index_select, masked_fill, roll, eq, ...), the default dtype and the device questions, in
the form of tests/test_pytorch_idioms.py: each answer is what PyTorch gives, written in, and
checked against PyTorch itself where it is installed. tests/test_pytorch_idioms.py runs
them."""

IDIOMS = {
    'topk values and indices': (
        'x = torch.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 5.0]])\nv, i = x.topk(2, dim=1)\nout = (v, i)',
        (('float32', [[3.0, 2.0], [5.0, 5.0]]), ('int64', [[0, 2], [1, 2]]))),
    'topk smallest': (
        'v, i = torch.tensor([3.0, 1.0, 2.0]).topk(2, largest=False)\nout = (v, i)',
        (('float32', [1.0, 2.0]), ('int64', [1, 2]))),
    'topk gradient': (
        'x = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)\n(x.topk(2).values * torch.tensor([1.0, 10.0])).sum().backward()\nout = x.grad',
        ('float32', [1.0, 0.0, 10.0])),
    'topk k too large': (
        'out = torch.ones(3).topk(4)',
        ('raises', 'RuntimeError')),
    'sort descending': (
        'v, i = torch.tensor([1.0, 3.0, 2.0]).sort(descending=True)\nout = (v, i)',
        (('float32', [3.0, 2.0, 1.0]), ('int64', [1, 2, 0]))),
    'sort of ints keeps the dtype': (
        'out = torch.sort(torch.tensor([3, 1, 2]))[0]',
        ('int64', [1, 2, 3])),
    'argsort': (
        'out = torch.tensor([[2.0, 1.0, 3.0]]).argsort(dim=1)',
        ('int64', [[1, 0, 2]])),
    'eq is elementwise': (
        'out = torch.tensor([1, 2, 3]).eq(torch.tensor([1, 0, 3]))',
        ('bool', [True, False, True])),
    'eq with a number': (
        'out = torch.eq(torch.tensor([1.0, 2.0]), 2)',
        ('bool', [False, True])),
    'the accuracy idiom': (
        'pred = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]).argmax(dim=1, keepdim=True)\ntarget = torch.tensor([1, 1, 1])\nout = pred.eq(target.view_as(pred)).sum().item()',
        2),
    'the top-k accuracy idiom': (
        'output = torch.tensor([[0.1, 0.5, 0.4], [0.6, 0.3, 0.1]])\ntarget = torch.tensor([2, 0])\n_, pred = output.topk(2, 1, True, True)\npred = pred.t()\ncorrect = pred.eq(target.view(1, -1).expand_as(pred))\nout = (correct[:1].reshape(-1).float().sum(0), correct[:2].reshape(-1).float().sum(0).mul_(100.0 / 2))',
        (('float32', 1.0), ('float32', 100.0))),
    'ne lt le gt ge': (
        'x = torch.tensor([1, 2, 3])\nout = (x.ne(2), x.lt(2), x.le(2), x.gt(2), x.ge(2))',
        (('bool', [True, False, True]), ('bool', [True, False, False]), ('bool', [True, True, False]), ('bool', [False, False, True]), ('bool', [False, True, True]))),
    'equal': (
        'out = (torch.equal(torch.ones(2), torch.ones(2)), torch.ones(2).equal(torch.ones(3)))',
        (True, False)),
    'index_select': (
        'x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)\ny = x.index_select(0, torch.tensor([2, 0, 2]))\ny.sum().backward()\nout = (y, x.grad)',
        (('float32', [[5.0, 6.0], [1.0, 2.0], [5.0, 6.0]]), ('float32', [[1.0, 1.0], [0.0, 0.0], [2.0, 2.0]]))),
    'index_select out of range': (
        'out = torch.ones(3).index_select(0, torch.tensor([3]))',
        ('raises', 'IndexError')),
    'masked_fill': (
        'x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)\ny = x.masked_fill(x < 0, 0.0)\ny.sum().backward()\nout = (y, x.grad)',
        (('float32', [1.0, 0.0, 3.0]), ('float32', [1.0, 0.0, 1.0]))),
    'masked_fill needs a bool mask': (
        'out = torch.ones(2).masked_fill(torch.tensor([1, 0]), 0.0)',
        ('raises', 'RuntimeError')),
    'unbind': (
        'out = torch.tensor([[1, 2], [3, 4]]).unbind(1)',
        (('int64', [1, 3]), ('int64', [2, 4]))),
    'select': (
        'out = torch.tensor([[1, 2], [3, 4]]).select(1, 0)',
        ('int64', [1, 3])),
    'roll': (
        'x = torch.tensor([[1, 2, 3], [4, 5, 6]])\nout = (x.roll(1, 1), x.roll(-1, 0), x.roll(1), torch.roll(x, (1, 1), (0, 1)))',
        (('int64', [[3, 1, 2], [6, 4, 5]]), ('int64', [[4, 5, 6], [1, 2, 3]]), ('int64', [[6, 1, 2], [3, 4, 5]]), ('int64', [[6, 4, 5], [3, 1, 2]]))),
    'is_floating_point': (
        'out = (torch.ones(1).is_floating_point(), torch.tensor([1]).is_floating_point())',
        (True, False)),
    'clamp with tensor bounds': (
        'out = torch.tensor([0.0, 2.0, 5.0]).clamp(torch.tensor([1.0, 1.0, 1.0]), torch.tensor(4.0))',
        ('float32', [1.0, 2.0, 4.0])),
    'set_default_dtype': (
        'torch.set_default_dtype(torch.float64)\ntry:\n    out = (torch.tensor([1.5]).dtype, torch.zeros(1).dtype, (torch.tensor([1]) * 2.5).dtype, torch.get_default_dtype())\nfinally:\n    torch.set_default_dtype(torch.float32)',
        ('float64', 'float64', 'float64', 'float64')),
    'set_default_dtype refuses ints': (
        'out = torch.set_default_dtype(torch.int64)',
        ('raises', 'TypeError')),
    'cuda and mps are absent': (
        'out = (torch.cuda.is_available(), torch.backends.mps.is_available(), torch.cuda.device_count())',
        (False, False, 0)),
    'autograd.backward of two losses': (
        'a = torch.ones(2, requires_grad=True)\ntorch.autograd.backward([(a * 2).sum(), (a * 3).sum()])\nout = a.grad',
        ('float32', [5.0, 5.0])),
    'addcmul_, addcdiv_, lerp_, sqrt_ as a hand-written Adam step': (
        'p = torch.tensor([1.0, -2.0], requires_grad=True)\nm = torch.zeros(2)\nv = torch.zeros(2)\nfor step in range(1, 4):\n    loss = (p * p * torch.tensor([1.0, 3.0])).sum()\n    p.grad = None\n    loss.backward()\n    with torch.no_grad():\n        g = p.grad\n        m.lerp_(g, 0.1)\n        v.mul_(0.999).addcmul_(g, g, value=0.001)\n        denom = (v / (1 - 0.999 ** step)).sqrt_().add_(1e-8)\n        p.addcdiv_(m, denom, value=-0.01 / (1 - 0.9 ** step))\nout = (p, m, v)',
        (('float32', [0.9700101017951965, -1.970004916191101]), ('float32', [0.5362005233764648, -3.2346010208129883]), ('float32', [0.011750105768442154, 0.42726776003837585]))),
    'addcmul and lerp out of place carry gradients': (
        'x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = torch.addcmul(x, x, x, value=0.5) + torch.lerp(x, torch.zeros(2), 0.25)\ny.sum().backward()\nout = (y, x.grad)',
        (('float32', [2.25, 5.5]), ('float32', [2.75, 3.75]))),
    'pow_ and neg_': (
        'x = torch.tensor([1.0, -2.0])\nout = (x.clone().pow_(3), x.clone().neg_())',
        (('float32', [1.0, -8.0]), ('float32', [-1.0, 2.0]))),
    'dropout in place changes its input': (
        'x = torch.ones(1000)\ny = F.dropout(x, 0.5, inplace=True)\nout = (y is x, bool(((x == 0) | (x == 2)).all()), 300 < int((x == 0).sum()) < 700)',
        (True, True, True)),
    'dropout in place inside a graph': (
        'w = torch.ones(1000, requires_grad=True)\nh = w * 1\nnet = torch.nn.Dropout(0.5, inplace=True)\ny = net(h)\ny.sum().backward()\nout = (y is h, bool((w.grad == y.detach()).all()), repr(net))',
        (True, True, 'Dropout(p=0.5, inplace=True)')),
    'dropout in place on a leaf that requires grad': (
        'out = F.dropout(torch.ones(3, requires_grad=True), 0.5, inplace=True)',
        ('raises', 'RuntimeError')),
    'bitwise and logical ops on masks': (
        'a = torch.tensor([True, False, True])\nb = torch.tensor([True, True, False])\nout = (a | b, a & b, a ^ b, ~a, torch.tensor([6, 3]) & 5, ~torch.tensor([0, 5]), True | torch.tensor([False]))',
        (('bool', [True, True, True]), ('bool', [True, False, False]), ('bool', [False, True, True]), ('bool', [False, True, False]), ('int64', [4, 1]), ('int64', [-1, -6]), ('bool', [True]))),
    'bitwise ops refuse floats': (
        'out = torch.ones(2) | torch.ones(2)',
        ('raises', 'NotImplementedError')),
    'sort ranks NaN above inf': (
        'v, i = torch.tensor([float("inf"), float("nan"), -float("inf"), 1.0]).sort(descending=True)\nout = (v, i, torch.tensor([float("inf"), float("nan"), -float("inf"), 1.0]).argsort())',
        (('float32', [float('nan'), float('inf'), 1.0, -float('inf')]), ('int64', [1, 0, 3, 2]), ('int64', [2, 3, 0, 1]))),
    'topk ranks NaN highest': (
        'x = torch.tensor([float("inf"), float("nan"), -float("inf"), 1.0])\nout = (x.topk(2).values, x.topk(2, largest=False).values)',
        (('float32', [float('nan'), float('inf')]), ('float32', [-float('inf'), 1.0]))),
    'sort and topk of the most negative int8': (
        'x = torch.tensor([-128, 0, 5], dtype=torch.int8)\nv, i = x.sort(descending=True)\nout = (v, i, x.topk(1).values)',
        (('int8', [5, 0, -128]), ('int64', [2, 1, 0]), ('int8', [5]))),
    'sort, argsort and topk of a 0-d tensor': (
        'x = torch.tensor(3.0, requires_grad=True)\nv, i = x.sort()\n(v * 2).backward()\nt = torch.tensor(2.0).topk(1)\nout = (v, i, x.argsort(), x.grad, t.values, t.indices, torch.tensor(2.0).topk(0).values)',
        (('float32', 3.0), ('int64', 0), ('int64', 0), ('float32', 2.0), ('float32', 2.0), ('int64', 0), ('float32', 2.0))),
    'index_select of a 0-d tensor': (
        'x = torch.tensor(5.0, requires_grad=True)\ny = x.index_select(0, torch.tensor([0]))\n(y * 3).backward()\nout = (y, x.grad, x.index_select(-1, torch.tensor(0)))',
        (('float32', 5.0), ('float32', 3.0), ('float32', 5.0))),
    'index_select of a 0-d tensor takes one index': (
        'out = torch.tensor(5.0).index_select(0, torch.tensor([0, 0]))',
        ('raises', 'RuntimeError')),
    'index_select of a 0-d tensor out of range': (
        'out = torch.tensor(5.0).index_select(0, torch.tensor([1]))',
        ('raises', 'IndexError')),
    'unbind of a 0-d tensor': (
        'out = torch.tensor(1.0).unbind()',
        ('raises', 'IndexError')),
    'select of a 0-d tensor': (
        'out = torch.tensor(1.0).select(0, 0)',
        ('raises', 'IndexError')),
    'topk of bools': (
        'out = torch.tensor([True, False]).topk(1)',
        ('raises', 'RuntimeError')),
    'index_select takes a Tensor index, not a list': (
        'out = torch.ones(3).index_select(0, [0, 1])',
        ('raises', 'TypeError')),
    'masked_fill with a larger mask broadcasts': (
        'x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x.masked_fill(torch.tensor([[True, False], [False, False]]), 0.0)\ny.sum().backward()\nout = (y, x.grad, torch.ones(2, 1).masked_fill(torch.tensor([True, False, True]), 0.0))',
        (('float32', [[0.0, 2.0], [1.0, 2.0]]), ('float32', [1.0, 2.0]), ('float32', [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]))),
    'full backward hook of an input that does not require grad': (
        'class M(torch.nn.Module):\n    def forward(self, a, b):\n        return a * 3 + b, a * 2\nm = M()\nseen = []\nm.register_full_backward_hook(lambda m, gi, go: seen.append(gi))\nu, v = m(torch.ones(2), torch.ones(2, requires_grad=True))\nu.sum().backward()\nout = (v.requires_grad, seen[0][0], seen[0][1])',
        (False, ('float32', [0.0, 0.0]), ('float32', [1.0, 1.0]))),
    'full backward hook returning gradients when no input requires grad': (
        'layer = torch.nn.Linear(2, 2)\nlayer.register_full_backward_hook(lambda m, gi, go: (torch.ones(1, 2),))\nimport warnings\nwith warnings.catch_warnings():\n    warnings.simplefilter("ignore")\n    layer(torch.ones(1, 2)).sum().backward()',
        ('raises', 'RuntimeError')),
    'Module.type to an int dtype with parameters that require grad': (
        'out = torch.nn.BatchNorm1d(1).type(torch.int32)',
        ('raises', 'RuntimeError')),
    'Module.type to an int dtype without parameters that require grad': (
        'bn = torch.nn.BatchNorm1d(1).requires_grad_(False).type(torch.int32)\nout = (bn.weight.dtype, bn.running_var.dtype, bn.num_batches_tracked.dtype)',
        ('int32', 'int32', 'int32')),
    'load_state_dict of an old BatchNorm checkpoint without num_batches_tracked': (
        'bn = torch.nn.BatchNorm1d(2)\nold = {k: v for k, v in torch.nn.BatchNorm1d(2).state_dict().items() if "num_batches" not in k}\nbn.num_batches_tracked.fill_(7)\nresult = bn.load_state_dict(old)\nout = (list(result.missing_keys), list(result.unexpected_keys), bn.num_batches_tracked)',
        ([], [], ('int64', 7))),
    'load_state_dict refuses lists': (
        'out = torch.nn.Linear(2, 1).load_state_dict({"weight": [[1.0, 2.0]], "bias": torch.ones(1)})',
        ('raises', 'RuntimeError')),
    'load_state_dict refuses lists also when not strict': (
        'out = torch.nn.Linear(2, 1).load_state_dict({"weight": [[1.0, 2.0]]}, strict=False)',
        ('raises', 'RuntimeError')),
    'nn.init fills an int tensor with constants, not random values': (
        'init = torch.nn.init\nout = []\nfor name in ["uniform_", "normal_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "trunc_normal_", "orthogonal_"]:\n    try:\n        getattr(init, name)(torch.zeros(4, 3, dtype=torch.int64))\n        out.append("filled")\n    except Exception as error:\n        out.append(type(error).__name__)\nout = (out, init.constant_(torch.zeros(2, dtype=torch.int32), 3), init.ones_(torch.zeros(2, dtype=torch.bool)))',
        (['NotImplementedError', 'NotImplementedError', 'NotImplementedError', 'NotImplementedError', 'NotImplementedError', 'NotImplementedError', 'NotImplementedError', 'NotImplementedError'], ('int32', [3, 3]), ('bool', [True, True]))),
    'get_rng_state and set_rng_state replay dropout': (
        'state = torch.get_rng_state()\na = F.dropout(torch.ones(64), 0.5)\ntorch.set_rng_state(state)\nb = F.dropout(torch.ones(64), 0.5)\ng = torch.Generator().manual_seed(1)\nsaved = g.get_state()\nx = torch.rand(4, generator=g)\nout = (state.dtype, state.dim(), torch.equal(a, b), g.set_state(saved) is g, torch.equal(torch.rand(4, generator=g), x))',
        ('uint8', 1, True, True, True)),
    'set_rng_state refuses a float tensor': (
        'torch.set_rng_state(torch.zeros(3))',
        ('raises', 'TypeError')),
    'set_rng_state refuses bytes that are no state': (
        'torch.set_rng_state(torch.zeros(3, dtype=torch.uint8))',
        ('raises', 'RuntimeError')),
}
