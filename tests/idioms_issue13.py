"""PyTorch-spelled snippets for issue 13 (answers never silently wrong, batch size 0), in the
form of tests/test_pytorch_idioms.py: each answer is what PyTorch gives, written in, and
checked against PyTorch itself where it is installed."""

# torch has no depthwise_conv2d: there the snippets run conv2d with groups = channels.
_DEPTHWISE = ("dw = getattr(F, 'depthwise_conv2d', None) or "
              "(lambda x, w, **k: F.conv2d(x, w, groups=x.shape[1], **k))\n")

IDIOMS = {
    'depthwise conv: a NaN pixel reaches the 9 outputs of its windows': (
        _DEPTHWISE + "x = torch.ones(1, 2, 5, 5, dtype=torch.float64)\nx[0, 0, 2, 2] = float('nan')\ny = dw(x, torch.ones(2, 1, 3, 3, dtype=torch.float64), padding=1)\nout = ((y != y).sum().item(), (y != y)[0, 0, 1:4, 1:4].all().item())",
        (9, True)),
    'nn.Parameter of an int tensor raises': (
        'out = torch.nn.Parameter(torch.tensor([1, 2]))', ('raises', 'RuntimeError')),
    'nn.Parameter of a bool tensor raises': (
        'out = torch.nn.Parameter(torch.tensor([True]))', ('raises', 'RuntimeError')),
    'a frozen nn.Parameter of an int tensor keeps int64': (
        'p = torch.nn.Parameter(torch.tensor([1, 2]), requires_grad=False)\nout = (p, p.requires_grad)',
        (('int64', [1, 2]), False)),
    'Module.to an int dtype raises': (
        'out = torch.nn.Linear(2, 2).to(torch.int64)', ('raises', 'TypeError')),
    'Module.type of an int dtype raises for a trained weight': (
        'out = torch.nn.Linear(2, 2).type(torch.int32)', ('raises', 'RuntimeError')),
    'dropout of an int tensor raises in training': (
        'out = F.dropout(torch.tensor([1, 2, 3]), 0.5)', ('raises', 'RuntimeError')),
    'dropout of an int tensor with p=1 or in eval': (
        'x = torch.tensor([1, 2, 3])\nout = (F.dropout(x, 1.0), F.dropout(x, 0.5, training=False))',
        (('int64', [0, 0, 0]), ('int64', [1, 2, 3]))),
    'a batch of 0 through Conv2d and a training BatchNorm1d': (
        'out = (torch.nn.Conv2d(2, 3, 3)(torch.zeros(0, 2, 5, 5)).shape[0], tuple(torch.nn.BatchNorm1d(2)(torch.zeros(0, 2)).shape))',
        (0, (0, 2))),
    'mse_loss of 0 elements: the mean is NaN, the sum 0': (
        "x = torch.zeros(0, 3, requires_grad=True)\nloss = F.mse_loss(x, torch.zeros(0, 3))\nloss.backward()\nout = (str(loss.item()), F.mse_loss(x, torch.zeros(0, 3), reduction='sum'), tuple(x.grad.shape))",
        ('nan', ('float32', 0.0), (0, 3))),
    'cross_entropy of a batch of 0 with reduction none': (
        "out = F.cross_entropy(torch.zeros(0, 3), torch.zeros(0, dtype=torch.int64), reduction='none')",
        ('float32', [])),
    'Flatten of a batch of 0': (
        'out = torch.nn.Flatten()(torch.zeros(0, 2, 3)).shape[1]', 6),
    'a tensor times a list is a TypeError': (
        'out = torch.ones(2) * [1, 2]',
        ('raises', 'TypeError')),
    'a list times a tensor is a TypeError': (
        'out = [1, 2] * torch.ones(2)',
        ('raises', 'TypeError')),
    'neg and negative': (
        'x = torch.tensor([1, -2])\nout = (x.neg(), torch.neg(x), x.negative())',
        (('int64', [-1, 2]), ('int64', [-1, 2]), ('int64', [-1, 2]))),
}

#: minigrad's answer where it differs on purpose (docs/pytorch.md: a wrong dtype is a TypeError).
DELIBERATE = {
    'nn.Parameter of an int tensor raises': ('raises', 'TypeError'),
    'nn.Parameter of a bool tensor raises': ('raises', 'TypeError'),
}
