"""Bad arguments, PyTorch-spelled, in the form of tests/test_pytorch_idioms.py: each answer is
the exception PyTorch raises (or its result, where it accepts), written in and checked
against PyTorch where it is installed. tests/test_argument_errors.py checks that minigrad's
message names the op and the argument. DELIBERATE holds minigrad's answer where it differs
on purpose (docs/pytorch.md says why)."""

X = "x = torch.ones(3, 4)\n"

IDIOMS = {
    # ----- dims: a dim that is not an int, out of range, or repeated
    'sum of a float dim': (X + "out = x.sum(1.5)", ('raises', 'TypeError')),
    'sum of a str dim': (X + "out = x.sum('1')", ('raises', 'TypeError')),
    'sum of a repeated dim': (X + "out = x.sum((0, -2))", ('raises', 'RuntimeError')),
    'mean of a repeated dim': (X + "out = x.mean((1, 1))", ('raises', 'RuntimeError')),
    'amax of a float dim in a tuple': (X + "out = x.amax((0, 1.5))", ('raises', 'TypeError')),
    'logsumexp of a float dim': (X + "out = x.logsumexp(2.0)", ('raises', 'TypeError')),
    'var of a repeated dim': (X + "out = x.var((0, 0))", ('raises', 'RuntimeError')),
    'any of a repeated dim': (X + "out = x.any((1, -1))", ('raises', 'RuntimeError')),
    'squeeze of a float dim': (X + "out = x.squeeze(1.5)", ('raises', 'TypeError')),
    'squeeze of a repeated dim': (X + "out = x.squeeze((0, 0))", ('raises', 'RuntimeError')),
    'max of a float dim': (X + "out = x.max(1.5)", ('raises', 'TypeError')),
    'argmax out of range': (X + "out = x.argmax(5)", ('raises', 'IndexError')),
    'softmax of a float dim': (X + "out = x.softmax(1.5)", ('raises', 'TypeError')),
    'cumsum of dim None': (X + "out = x.cumsum(None)", ('raises', 'TypeError')),
    'transpose of dim None': (X + "out = x.transpose(None, 0)", ('raises', 'TypeError')),
    'permute of a repeated dim': (X + "out = x.permute(0, 0)", ('raises', 'RuntimeError')),
    'permute of -1 and 1': (X + "out = x.permute(-1, 1)", ('raises', 'RuntimeError')),
    'permute of a float dim': (X + "out = x.permute(1.5, 0)", ('raises', 'TypeError')),
    'flatten out of range': (X + "out = x.flatten(5)", ('raises', 'IndexError')),
    'unsqueeze of dim None': (X + "out = x.unsqueeze(None)", ('raises', 'TypeError')),
    'unsqueeze of a float dim': (X + "out = x.unsqueeze(2.0)", ('raises', 'TypeError')),
    'unsqueeze out of range': (X + "out = x.unsqueeze(3)", ('raises', 'IndexError')),
    'cat of a float dim': (X + "out = torch.cat([x, x], 2.0)", ('raises', 'TypeError')),
    'stack of a float dim': (X + "out = torch.stack([x, x], 1.5)", ('raises', 'TypeError')),
    'stack of a str dim': (X + "out = torch.stack([x, x], '1')", ('raises', 'TypeError')),
    'gather of dim None': (X + "out = x.gather(None, torch.zeros(3, 4, dtype=torch.long))",
                           ('raises', 'TypeError')),
    'sort out of range': (X + "out = x.sort(-3)", ('raises', 'IndexError')),
    'topk of a float dim': (X + "out = x.topk(1, 1.5)", ('raises', 'TypeError')),
    'index_select out of range': (X + "out = x.index_select(2, torch.tensor([0]))",
                                  ('raises', 'IndexError')),
    'narrow of a float start': (X + "out = x.narrow(0, 1.5, 1)", ('raises', 'TypeError')),
    'narrow of a str start': (X + "out = x.narrow(0, '0', 1)", ('raises', 'TypeError')),
    'select of a float index': (X + "out = x.select(0, 1.5)", ('raises', 'TypeError')),
    'select of a str index': (X + "out = x.select(0, '0')", ('raises', 'TypeError')),
    'roll of a float shift': (X + "out = x.roll(1.5, 0)", ('raises', 'TypeError')),
    'roll of a str shift': (X + "out = x.roll('a', 0)", ('raises', 'TypeError')),
    'flip of a repeated dim': (X + "out = x.flip((0, 0))", ('raises', 'RuntimeError')),
    'split of 0': (X + "out = x.split(0)", ('raises', 'RuntimeError')),
    'split of -1': (X + "out = x.split(-1)", ('raises', 'RuntimeError')),
    'split of a float size': (X + "out = x.split(1.5)", ('raises', 'TypeError')),
    'split of negative sizes': (X + "out = x.split([4, -1])", ('raises', 'RuntimeError')),
    'split of 0 on an empty dim': ("out = len(torch.ones(0, 2).split(0))", 1),
    'chunk of 0': (X + "out = x.chunk(0)", ('raises', 'RuntimeError')),
    'chunk of -1': (X + "out = x.chunk(-1)", ('raises', 'RuntimeError')),
    'chunk of a float': (X + "out = x.chunk(1.5)", ('raises', 'TypeError')),
}

DELIBERATE = {}
