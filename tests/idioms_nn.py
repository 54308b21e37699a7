"""PyTorch-spelled snippets for the functional and nn layers (losses, activations, pooling,
normalization, embedding), in the form of tests/test_pytorch_idioms.py: each answer is what
PyTorch gives, written in, and checked against PyTorch itself where it is installed.
DELIBERATE holds minigrad's answer where it differs on purpose (docs/pytorch.md says why)."""

IDIOMS = {
    'cross_entropy of integer logits raises': (
        'out = F.cross_entropy(torch.tensor([[1, 2], [3, 1]]), torch.tensor([0, 1]))',
        ('raises', 'NotImplementedError')),
    'nll_loss of integer input raises': (
        'out = F.nll_loss(torch.tensor([[1, 2], [3, 1]]), torch.tensor([0, 1]))',
        ('raises', 'NotImplementedError')),
}

DELIBERATE = {
}
