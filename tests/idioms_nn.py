"""PyTorch-spelled snippets for the functional and nn layers (losses, activations, pooling,
normalization, embedding), in the form of tests/test_pytorch_idioms.py: each answer is what
PyTorch gives, written in, and checked against PyTorch itself where it is installed.
DELIBERATE holds minigrad's answer where it differs on purpose (docs/pytorch.md says why)."""

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
}

DELIBERATE = {
    'MSELoss takes size_average second': ('raises', 'TypeError'),
}
