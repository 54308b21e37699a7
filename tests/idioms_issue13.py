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
}
