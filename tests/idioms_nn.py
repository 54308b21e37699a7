"""PyTorch-spelled snippets for the functional and nn layers (losses, activations, pooling,
normalization, embedding), in the form of tests/test_pytorch_idioms.py: each answer is what
PyTorch gives, written in, and checked against PyTorch itself where it is installed.
DELIBERATE holds minigrad's answer where it differs on purpose (docs/pytorch.md says why)."""

from math import inf

IDIOMS = {
    'MSELoss takes size_average second': (
        "out = torch.nn.MSELoss('sum')(torch.tensor([1.0, 3.0]), torch.zeros(2))",
        ('float32', 5.0)),
    'mse_loss and l1_loss with weight': (
        "x = torch.tensor([[1.0, 2.0], [3.0, 5.0]], requires_grad=True)\nw = torch.tensor([[1.0, 3.0], [2.0, 0.5]])\nloss = F.mse_loss(x, torch.zeros(2, 2), weight=w)\nloss.backward()\nout = (loss, F.l1_loss(x, torch.zeros(2, 2), weight=w), F.mse_loss(x, torch.zeros(2, 2), reduction='sum', weight=w), F.l1_loss(x, torch.zeros(2, 2), reduction='none', weight=w), x.grad)",
        (('float32', 6.692307472229004), ('float32', 2.384615421295166), ('float32', 43.5), ('float32', [[1.0, 6.0], [6.0, 2.5]]), ('float32', [[0.3076923191547394, 1.846153974533081], [1.846153974533081, 0.7692307829856873]]))),
    'mse_loss weight of another shape': (
        'out = F.mse_loss(torch.ones(2, 2), torch.zeros(2, 2), weight=torch.ones(2))',
        ('raises', 'ValueError')),
    'cross_entropy ignore_index positionally': (
        'out = F.cross_entropy(torch.tensor([[1.0, 2.0], [0.0, 3.0]]), torch.tensor([0, 1]), None, None, 1)',
        ('float32', 1.31326162815094)),
    'cross_entropy of integer logits raises': (
        'out = F.cross_entropy(torch.tensor([[1, 2], [3, 1]]), torch.tensor([0, 1]))',
        ('raises', 'NotImplementedError')),
    'nll_loss of integer input raises': (
        'out = F.nll_loss(torch.tensor([[1, 2], [3, 1]]), torch.tensor([0, 1]))',
        ('raises', 'NotImplementedError')),
    'adaptive_avg_pool2d keeps an inf in its window': (
        "out = F.adaptive_avg_pool2d(torch.tensor([[[[float('inf'), 1.0, 2.0, 3.0]]]]), (1, 2))",
        ('float32', [[[[inf, 2.5]]]])),
    'adaptive_avg_pool2d of inf, -inf and NaN': (
        "x = torch.tensor([[[[float('inf'), 1.0, -float('inf'), 3.0, float('inf'), -float('inf'), float('nan'), 1.0, 2.0, 4.0]]]])\nout = str(F.adaptive_avg_pool2d(x, (1, 5)).tolist())",
        '[[[[inf, -inf, nan, nan, 3.0]]]]'),
    'adaptive_avg_pool2d overlapping windows with inf': (
        "x = torch.tensor([[[[1.0, float('inf'), 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, -float('inf')]]]], requires_grad=True)\ny = F.adaptive_avg_pool2d(x, 2)\ny.backward(torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))\nout = (str(y.tolist()), x.grad)",
        ('[[[[inf, inf], [5.0, -inf]]]]', ('float32', [[[[0.25, 0.75, 0.5], [1.0, 2.5, 1.5], [0.75, 1.75, 1.0]]]]))),
    'adaptive_avg_pool2d backward of an inf gradient': (
        "x = torch.ones(1, 1, 1, 4, requires_grad=True)\nF.adaptive_avg_pool2d(x, (1, 2)).backward(torch.tensor([[[[float('inf'), 1.0]]]]))\nout = x.grad",
        ('float32', [[[[inf, inf, 0.5, 0.5]]]])),
    'relu of -inf, -1 and NaN': (
        "out = str(F.relu(torch.tensor([-float('inf'), -1.0, 0.0, float('nan'), 2.0])).tolist())",
        '[0.0, 0.0, 0.0, nan, 2.0]'),
    'relu of -1 is +0': (
        'out = [str(v) for v in F.relu(torch.tensor([-1.0, -0.0])).tolist()]',
        ['0.0', '-0.0']),
    'nn.ReLU and relu_ of -inf': (
        "x = torch.tensor([-float('inf'), -1.0])\ny = torch.nn.ReLU()(x)\nF.relu(x, inplace=True)\nout = ([str(v) for v in y.tolist()], [str(v) for v in x.tolist()])",
        (['0.0', '0.0'], ['0.0', '0.0'])),
    'relu of an int tensor': (
        'out = F.relu(torch.tensor([-2, 3]))',
        ('int64', [0, 3])),
    'relu gradient at NaN and edges': (
        "x = torch.tensor([float('nan'), -1.0, 0.0, 1.0, 6.0, -float('inf'), float('inf')], requires_grad=True)\ny = F.relu(x)\ny.backward(torch.tensor([2.0, 3.0, 5.0, 7.0, 11.0, 13.0, 17.0]))\nout = (str(y.tolist()), str(x.grad.tolist()))",
        ('[nan, 0.0, 0.0, 1.0, 6.0, 0.0, inf]', '[2.0, 0.0, 0.0, 7.0, 11.0, 0.0, 17.0]')),
    'relu6 gradient at NaN and edges': (
        "x = torch.tensor([float('nan'), -1.0, 0.0, 1.0, 6.0, -float('inf'), float('inf')], requires_grad=True)\ny = F.relu6(x)\ny.backward(torch.tensor([2.0, 3.0, 5.0, 7.0, 11.0, 13.0, 17.0]))\nout = (str(y.tolist()), str(x.grad.tolist()))",
        ('[nan, 0.0, 0.0, 1.0, 6.0, 0.0, 6.0]', '[2.0, 0.0, 0.0, 7.0, 0.0, 0.0, 0.0]')),
    'hardtanh gradient at NaN and edges': (
        "x = torch.tensor([float('nan'), -1.0, 0.0, 1.0, 6.0, -float('inf'), float('inf')], requires_grad=True)\ny = F.hardtanh(x)\ny.backward(torch.tensor([2.0, 3.0, 5.0, 7.0, 11.0, 13.0, 17.0]))\nout = (str(y.tolist()), str(x.grad.tolist()))",
        ('[nan, -1.0, 0.0, 1.0, 1.0, -1.0, 1.0]', '[2.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0]')),
    'elu gradient at NaN and edges': (
        "x = torch.tensor([float('nan'), -1.0, 0.0, 1.0, 6.0, -float('inf'), float('inf')], requires_grad=True)\ny = F.elu(x)\ny.backward(torch.tensor([2.0, 3.0, 5.0, 7.0, 11.0, 13.0, 17.0]))\nout = (str(y.tolist()), str(x.grad.tolist()))",
        ('[nan, -0.6321205496788025, 0.0, 1.0, 6.0, -1.0, inf]', '[2.0, 1.1036384105682373, 5.0, 7.0, 11.0, 0.0, 17.0]')),
    'max_pool2d sends the gradient to a NaN': (
        "x = torch.tensor([[[[1.0, float('nan'), 3.0, 0.0]]]], requires_grad=True)\ny = F.max_pool2d(x, (1, 4))\ny.backward(torch.tensor([[[[5.0]]]]))\nout = (str(y.tolist()), x.grad)",
        ('[[[[nan]]]]', ('float32', [[[[0.0, 5.0, 0.0, 0.0]]]]))),
    'max_pool2d of two NaNs': (
        "x = torch.tensor([[[[float('nan'), 2.0, float('nan'), 3.0]]]], requires_grad=True)\ny = F.max_pool2d(x, (1, 4))\ny.backward(torch.tensor([[[[5.0]]]]))\nout = (str(y.tolist()), x.grad)",
        ('[[[[nan]]]]', ('float32', [[[[0.0, 0.0, 5.0, 0.0]]]]))),
    'max_pool2d NaN in overlapping 2-D windows': (
        "x = torch.tensor([[[[1.0, 9.0, 2.0], [3.0, float('nan'), 4.0], [8.0, 5.0, 6.0]]]], requires_grad=True)\ny = F.max_pool2d(x, 2, stride=1)\ny.backward(torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))\nout = (str(y.tolist()), x.grad)",
        ('[[[[nan, nan], [nan, nan]]]]', ('float32', [[[[0.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 0.0]]]]))),
    'cross_entropy all ignored with label smoothing': (
        'x = torch.tensor([[1.0, 2.0], [0.0, 3.0]], requires_grad=True)\nloss = F.cross_entropy(x, torch.tensor([-100, -100]), label_smoothing=0.1)\nloss.backward()\nout = (str(loss.item()), x.grad)',
        ('nan', ('float32', [[0.0, 0.0], [0.0, 0.0]]))),
    'cross_entropy all ignored': (
        'x = torch.tensor([[1.0, 2.0], [0.0, 3.0]], requires_grad=True)\nloss = F.cross_entropy(x, torch.tensor([-100, -100]))\nloss.backward()\nout = (str(loss.item()), x.grad)',
        ('nan', ('float32', [[0.0, 0.0], [0.0, 0.0]]))),
    'cross_entropy ignored -inf logit with label smoothing': (
        "x = torch.tensor([[1.0, 2.0], [-float('inf'), 3.0]], requires_grad=True)\nloss = F.cross_entropy(x, torch.tensor([1, -100]), label_smoothing=0.1, reduction='sum')\nloss.backward()\nout = (loss, x.grad)",
        (('float32', 0.3632616400718689), ('float32', [[0.21894143521785736, -0.21894139051437378], [0.0, 0.0]]))),
    'nll_loss all ignored': (
        'x = torch.tensor([[-1.0, -2.0]], requires_grad=True)\nloss = F.nll_loss(x, torch.tensor([-100]))\nloss.backward()\nout = (str(loss.item()), x.grad)',
        ('nan', ('float32', [[0.0, 0.0]]))),
    'cross_entropy all ignored with weights and smoothing': (
        'x = torch.tensor([[1.0, 2.0], [0.0, 3.0]], requires_grad=True)\nloss = F.cross_entropy(x, torch.tensor([-100, -100]), weight=torch.tensor([1.0, 2.0]), label_smoothing=0.2)\nloss.backward()\nout = (str(loss.item()), x.grad)',
        ('nan', ('float32', [[0.0, 0.0], [0.0, 0.0]]))),
    'binary_cross_entropy gradient in the target is unfloored': (
        "x = torch.tensor([0.0, 1.0, 0.25])\ny = torch.tensor([1.0, 0.0, 0.5], requires_grad=True)\nloss = F.binary_cross_entropy(x, y, reduction='sum')\nloss.backward()\nout = (loss, y.grad)",
        (('float32', 200.8369903564453), ('float32', [inf, -inf, 1.0986123085021973]))),
    'binary_cross_entropy gradient in the target at 1e-50': (
        "x = torch.tensor([1e-50, 1.0 - 1e-12], dtype=torch.float64)\ny = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)\nF.binary_cross_entropy(x, y, reduction='sum').backward()\nout = y.grad",
        ('float64', [115.12925464970229, -27.63104323789236])),
    'normalize p=0.5 gradient at a zero element': (
        'x = torch.tensor([[0.0, 1.0, 4.0]], requires_grad=True)\ny = F.normalize(x, p=0.5)\ny.backward(torch.tensor([[1.0, 2.0, 3.0]]))\nout = (y, x.grad)',
        (('float32', [[0.0, 0.1111111119389534, 0.4444444477558136]]), ('float32', [[0.1111111119389534, -0.29629629850387573, 0.07407408952713013]]))),
    'normalize p=-1 gradient at a zero element': (
        'x = torch.tensor([[0.0, 1.0, 4.0]], requires_grad=True)\ny = F.normalize(x, p=-1.0)\ny.backward(torch.tensor([[1.0, 2.0, 3.0]]))\nout = (str(y.tolist()), str(x.grad.tolist()))',
        ('[[0.0, 999999995904.0, 3999999983616.0]]', '[[999999995904.0, 1999999991808.0, 3000000053248.0]]')),
    'normalize p=0.5 of a negative and a zero': (
        'x = torch.tensor([[-1.0, 0.0, 4.0], [0.0, 0.0, 0.0]], requires_grad=True)\ny = F.normalize(x, p=0.5)\ny.backward(torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]))\nout = (y, x.grad)',
        (('float32', [[-0.1111111119389534, 0.0, 0.4444444477558136], [0.0, 0.0, 0.0]]), ('float32', [[0.5185185670852661, 0.2222222238779068, 0.12962962687015533], [999999995904.0, 999999995904.0, 999999995904.0]]))),
    'normalize of a 0-d tensor': (
        'x = torch.tensor(-3.0, requires_grad=True)\ny = F.normalize(x, dim=0)\ny.backward()\nout = (y, x.grad)',
        (('float32', -1.0), ('float32', 0.0))),
    'normalize of a 0-d tensor dim=-1': (
        'out = F.normalize(torch.tensor(2.0), dim=-1)',
        ('float32', 1.0)),
    'normalize of a 0-d tensor dim=1': (
        'out = F.normalize(torch.tensor(2.0))',
        ('raises', 'IndexError')),
    'cosine_similarity of float64 and float32': (
        'out = F.cosine_similarity(torch.tensor([[1.0, 2.0]], dtype=torch.float64), torch.tensor([[2.0, 3.0]]))',
        ('float64', [0.9922779025899278])),
    'cosine_similarity of integer tensors': (
        'out = F.cosine_similarity(torch.tensor([[1, 2]]), torch.tensor([[2, 4]]))',
        ('raises', 'RuntimeError')),
    'cosine_similarity of int and float': (
        'out = F.cosine_similarity(torch.tensor([[1, 2]]), torch.tensor([[2.0, 4.0]]))',
        ('float32', [0.9999999403953552])),
    'normalize of an integer tensor': (
        'out = F.normalize(torch.tensor([[3, 4]]))',
        ('raises', 'RuntimeError')),
    'group_norm of one value per group raises': (
        'out = F.group_norm(torch.ones(1, 3, 1, 1), 3)',
        ('raises', 'ValueError')),
    'GroupNorm of one value per group raises': (
        'out = torch.nn.GroupNorm(2, 2)(torch.ones(1, 2))',
        ('raises', 'ValueError')),
    'group_norm of (2, 3) with 3 groups': (
        'out = F.group_norm(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), 3)',
        ('float32', [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])),
    'layer_norm over no axes raises': (
        'out = F.layer_norm(torch.ones(2, 3), ())',
        ('raises', 'RuntimeError')),
    'LayerNorm over no axes raises': (
        'out = torch.nn.LayerNorm([])(torch.ones(2, 3))',
        ('raises', 'RuntimeError')),
    'elu of a list': (
        'out = F.elu([1.0, -1.0])',
        ('raises', 'TypeError')),
    'silu of a list': (
        'out = F.silu([1.0, -1.0])',
        ('raises', 'TypeError')),
    'softplus of an ndarray': (
        'out = F.softplus(np.ones(2))',
        ('raises', 'TypeError')),
    'gelu of an ndarray': (
        'out = F.gelu(np.ones(2))',
        ('raises', 'TypeError')),
    'leaky_relu of an ndarray': (
        'out = F.leaky_relu(np.ones(2))',
        ('raises', 'TypeError')),
    'relu of a list': (
        'out = F.relu([1.0])',
        ('raises', 'TypeError')),
    'hardtanh of an ndarray': (
        'out = F.hardtanh(np.ones(2))',
        ('raises', 'TypeError')),
    'relu6 of a list': (
        'out = F.relu6([1.0])',
        ('raises', 'TypeError')),
    'conv2d of an empty batch': (
        'x = torch.zeros(0, 2, 5, 5, requires_grad=True)\nw = torch.ones(3, 2, 3, 3, requires_grad=True)\ny = F.conv2d(x, w, torch.ones(3), padding=1)\ny.sum().backward()\nout = (tuple(y.shape), tuple(x.grad.shape), w.grad)',
        ((0, 3, 5, 5), (0, 2, 5, 5), ('float32', [[[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]], [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]], [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]]))),
    'conv1d of an empty batch': (
        'x = torch.zeros(0, 2, 5, requires_grad=True)\nw = torch.ones(3, 2, 3, requires_grad=True)\ny = F.conv1d(x, w, stride=2)\ny.sum().backward()\nout = (tuple(y.shape), tuple(x.grad.shape), tuple(w.grad.shape))',
        ((0, 3, 2), (0, 2, 5), (3, 2, 3))),
    'Conv2d of an empty batch': (
        'out = tuple(torch.nn.Conv2d(2, 4, 3, groups=2)(torch.zeros(0, 2, 4, 4)).shape)',
        (0, 4, 2, 2)),
    'conv_transpose2d of an empty batch': (
        'out = tuple(F.conv_transpose2d(torch.zeros(0, 2, 3, 3), torch.ones(2, 1, 3, 3), stride=2).shape)',
        (0, 1, 7, 7)),
    'group_norm of an empty batch': (
        'x = torch.zeros(0, 3, 2, requires_grad=True)\ny = F.group_norm(x, 3, torch.ones(3, requires_grad=True))\ny.sum().backward()\nout = (tuple(y.shape), tuple(x.grad.shape))',
        ((0, 3, 2), (0, 3, 2))),
    'layer_norm of an empty batch': (
        'out = tuple(F.layer_norm(torch.zeros(0, 3), (3,)).shape)',
        (0, 3)),
    'softmax over an empty dim': (
        'x = torch.zeros(2, 0, requires_grad=True)\ny = F.softmax(x, dim=1)\ny.sum().backward()\nout = (tuple(y.shape), tuple(F.log_softmax(x, 1).shape), tuple(torch.nn.Softmax(1)(x).shape), tuple(x.grad.shape), tuple(x.softmax(-1).shape))',
        ((2, 0), (2, 0), (2, 0), (2, 0), (2, 0))),
    'log_softmax over an empty dim': (
        'x = torch.zeros(0, 3, requires_grad=True)\ny = F.log_softmax(x, dim=0)\ny.sum().backward()\nout = (tuple(y.shape), tuple(x.grad.shape))',
        ((0, 3), (0, 3))),
    'cross_entropy of int32 targets raises': (
        'out = F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 1], dtype=torch.int32))',
        ('raises', 'RuntimeError')),
    'nll_loss of int32 targets raises': (
        'out = F.nll_loss(torch.ones(2, 3), torch.tensor([0, 1], dtype=torch.int32))',
        ('raises', 'RuntimeError')),
    'cross_entropy takes uint8 targets': (
        'out = F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 1], dtype=torch.uint8))',
        ('float32', 1.0986123085021973)),
    'cross_entropy of int32 targets, 4-D': (
        'out = F.cross_entropy(torch.ones(2, 3, 2), torch.zeros(2, 2, dtype=torch.int32))',
        ('raises', 'RuntimeError')),
    'embedding of uint8 indices': (
        'out = F.embedding(torch.tensor([0, 2], dtype=torch.uint8), torch.arange(6.0).reshape(3, 2))',
        ('raises', 'RuntimeError')),
    'embedding of int32 indices': (
        'out = F.embedding(torch.tensor([0, 2], dtype=torch.int32), torch.arange(6.0).reshape(3, 2))',
        ('float32', [[0.0, 1.0], [4.0, 5.0]])),
    'nn.Embedding of uint8 indices': (
        'out = torch.nn.Embedding(3, 2)(torch.tensor([0, 2], dtype=torch.uint8)).shape[0]',
        ('raises', 'RuntimeError')),
    'binary_cross_entropy weight that requires grad raises': (
        'out = F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.0]), weight=torch.tensor([2.0], requires_grad=True))',
        ('raises', 'RuntimeError')),
    'binary_cross_entropy_with_logits weight that requires grad': (
        'w = torch.tensor([2.0], requires_grad=True)\nloss = F.binary_cross_entropy_with_logits(torch.tensor([0.5]), torch.tensor([1.0]), weight=w)\nloss.backward()\nout = (loss, w.grad)',
        ('raises', 'RuntimeError')),
    'binary_cross_entropy weight that requires grad under no_grad': (
        'with torch.no_grad():\n    out = F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.0]), weight=torch.tensor([2.0], requires_grad=True))',
        ('float32', 1.3862943649291992)),
    'ConvTranspose2d forward with output_size': (
        'torch.manual_seed(0)\nup = torch.nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1)\nx = torch.ones(1, 1, 4, 5)\nout = (tuple(up(x, output_size=[8, 10]).shape), tuple(up(x, output_size=(1, 1, 7, 9)).shape), tuple(up(x).shape))',
        ((1, 1, 8, 10), (1, 1, 7, 9), (1, 1, 7, 9))),
    'ConvTranspose2d output_size out of range': (
        'out = torch.nn.ConvTranspose2d(1, 1, 3, stride=2)(torch.ones(1, 1, 4, 4), output_size=[12, 9])',
        ('raises', 'ValueError')),
    'ConvTranspose2d output_size of 3 elements': (
        'out = torch.nn.ConvTranspose2d(1, 1, 3, stride=2)(torch.ones(1, 1, 4, 4), output_size=[1, 9, 9])',
        ('raises', 'ValueError')),
    'ConvTranspose2d output_size values': (
        'up = torch.nn.ConvTranspose2d(1, 1, 2, stride=3, bias=False)\nwith torch.no_grad():\n    up.weight.copy_(torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))\nout = up(torch.tensor([[[[1.0, 10.0]]]]), output_size=[4, 7])',
        ('float32', [[[[1.0, 2.0, 0.0, 10.0, 20.0, 0.0, 0.0], [3.0, 4.0, 0.0, 30.0, 40.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]]])),
    'Hardtanh takes the deprecated min_value and max_value': (
        "import warnings\nwith warnings.catch_warnings(record=True) as caught:\n    warnings.simplefilter('always')\n    layer = torch.nn.Hardtanh(min_value=-2.0, max_value=0.5)\nout = (repr(layer), layer(torch.tensor([-3.0, 0.0, 3.0])), [w.category.__name__ for w in caught])",
        ('Hardtanh(min_val=-2.0, max_val=0.5)', ('float32', [-2.0, 0.0, 0.5]), ['FutureWarning', 'FutureWarning'])),
    'Embedding prints norm_type': (
        'out = (repr(torch.nn.Embedding(10, 3, norm_type=1.0)), repr(torch.nn.Embedding(10, 3, 1, norm_type=2)))',
        ('Embedding(10, 3, norm_type=1.0)', 'Embedding(10, 3, padding_idx=1)')),
    'Embedding.from_pretrained': (
        'table = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\nlayer = torch.nn.Embedding.from_pretrained(table)\nout = (layer(torch.tensor([2, 0])), layer.weight.requires_grad, repr(layer))',
        (('float32', [[5.0, 6.0], [1.0, 2.0]]), False, 'Embedding(3, 2)')),
    'Embedding.from_pretrained unfrozen with padding_idx': (
        'table = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\nlayer = torch.nn.Embedding.from_pretrained(table, freeze=False, padding_idx=1)\nlayer(torch.tensor([1, 2, 1])).sum().backward()\nout = (layer.weight, layer.weight.grad, repr(layer))',
        (('float32', [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), ('float32', [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]), 'Embedding(3, 2, padding_idx=1)')),
    'Embedding.from_pretrained of float64': (
        'out = torch.nn.Embedding.from_pretrained(torch.ones(2, 2, dtype=torch.float64)).weight.dtype == torch.float64',
        True),
    'max_pool2d and avg_pool2d take 1-tuples': (
        'x = torch.arange(16.0).reshape(1, 1, 4, 4)\nout = (F.max_pool2d(x, (2,)), F.avg_pool2d(x, (2,), (1,), (1,)).shape[-1], F.max_pool2d(x, (2,), dilation=(2,)))',
        (('float32', [[[[5.0, 7.0], [13.0, 15.0]]]]), 5, ('float32', [[[[10.0]]]]))),
    'MaxPool2d and AvgPool2d take 1-tuples': (
        'x = torch.arange(16.0).reshape(1, 1, 4, 4)\nout = (torch.nn.MaxPool2d((2,))(x), repr(torch.nn.MaxPool2d((2,))), repr(torch.nn.AvgPool2d((2,), (1,))))',
        (('float32', [[[[5.0, 7.0], [13.0, 15.0]]]]), 'MaxPool2d(kernel_size=(2,), stride=(2,), padding=0, dilation=1, ceil_mode=False)', 'AvgPool2d(kernel_size=(2,), stride=(1,), padding=0)')),
    'cross_entropy of probabilities is differentiable in weight': (
        'x = torch.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], requires_grad=True)\nq = torch.tensor([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])\nw = torch.tensor([1.0, 2.0, 0.5], requires_grad=True)\nloss = F.cross_entropy(x, q, weight=w, label_smoothing=0.1)\nloss.backward()\nout = (loss, x.grad, w.grad)',
        (('float32', 1.9149508476257324), ('float32', [[0.0472898967564106, -0.06483598798513412, 0.017546040937304497], [-0.264020711183548, -0.1150023490190506, 0.3790230453014374]]), ('float32', [1.0350861549377441, 0.36295199394226074, 0.3079216778278351]))),
}

DELIBERATE = {
    'MSELoss takes size_average second': ('raises', 'TypeError'),
}
