"""Bad arguments, PyTorch-spelled, in the form of tests/test_pytorch_idioms.py: each answer is
the exception PyTorch raises (or its result, where it accepts), written in and checked
against PyTorch where it is installed. tests/test_argument_errors.py checks that minigrad's
message names the op and the argument. DELIBERATE holds minigrad's answer where it differs
on purpose (docs/pytorch.md says why)."""

X = "x = torch.ones(3, 4)\n"
SGD = "w = torch.nn.Parameter(torch.ones(3))\nopt = torch.optim.SGD([w], lr=0.1)\n"
SGD_GROUP = "{'params': [0], 'lr': 0.1, 'momentum': 0.9}"
STEP = SGD + "sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2)\n"
DS = "DL = torch.utils.data.DataLoader\nds = torch.utils.data.TensorDataset(torch.ones(4, 2))\n"
LINEAR = "lin = torch.nn.Linear(2, 2)\n"

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

    # ----- creation: sizes, counts, ranges and generators
    'zeros of -1': ("out = torch.zeros(-1)", ('raises', 'RuntimeError')),
    'zeros of 2.5': ("out = torch.zeros(2.5)", ('raises', 'TypeError')),
    "zeros of '3'": ("out = torch.zeros('3')", ('raises', 'TypeError')),
    'zeros of True': ("out = torch.zeros(True)", ('raises', 'TypeError')),
    'zeros of None': ("out = torch.zeros(None)", ('raises', 'TypeError')),
    'ones of (2, -1)': ("out = torch.ones((2, -1))", ('raises', 'RuntimeError')),
    'empty of 2.5': ("out = torch.empty(2, 2.5)", ('raises', 'TypeError')),
    "randn of '3'": ("out = torch.randn('3')", ('raises', 'TypeError')),
    'randn of -1': ("out = torch.randn(-1)", ('raises', 'RuntimeError')),
    'rand of 2.5': ("out = torch.rand(2.5)", ('raises', 'TypeError')),
    'randn of an int dtype': ("out = torch.randn(3, dtype=torch.long)",
                              ('raises', 'NotImplementedError')),
    "full of 'a'": ("out = torch.full((2,), 'a')", ('raises', 'TypeError')),
    'full of None': ("out = torch.full((2,), None)", ('raises', 'TypeError')),
    'full of a list': ("out = torch.full((2,), [1, 2])", ('raises', 'TypeError')),
    'full of an int size': ("out = torch.full(2, 1.0)", ('raises', 'TypeError')),
    'full of a negative size': ("out = torch.full((-1,), 1.0)", ('raises', 'RuntimeError')),
    'full of a 0-d tensor': ("out = torch.full((2,), torch.tensor(1.5))", ('float32', [1.5, 1.5])),
    'arange of step 0': ("out = torch.arange(0, 1, 0)", ('raises', 'RuntimeError')),
    'arange of step 0.0': ("out = torch.arange(0, 1, 0.0)", ('raises', 'RuntimeError')),
    'arange to NaN': ("out = torch.arange(float('nan'))", ('raises', 'RuntimeError')),
    'arange to inf': ("out = torch.arange(0, float('inf'))", ('raises', 'RuntimeError')),
    'arange of a NaN step': ("out = torch.arange(0, 1, float('nan'))", ('raises', 'RuntimeError')),
    'arange of the wrong sign': ("out = torch.arange(5, 0)", ('raises', 'RuntimeError')),
    'arange of a negative step upwards': ("out = torch.arange(0, 5, -1)",
                                          ('raises', 'RuntimeError')),
    "arange of '3'": ("out = torch.arange('3')", ('raises', 'TypeError')),
    'arange of None': ("out = torch.arange(None)", ('raises', 'TypeError')),
    'arange of 2**70': ("out = torch.arange(2 ** 70)", ('raises', 'OverflowError')),
    'arange downwards': ("out = torch.arange(3, 0, -1)", ('int64', [3, 2, 1])),
    'arange empty': ("out = torch.arange(2, 2)", ('int64', [])),
    'linspace of -1 steps': ("out = torch.linspace(0, 1, -1)", ('raises', 'RuntimeError')),
    'linspace of 2.5 steps': ("out = torch.linspace(0, 1, 2.5)", ('raises', 'TypeError')),
    "linspace from 'a'": ("out = torch.linspace('a', 1, 3)", ('raises', 'TypeError')),
    'eye of -1': ("out = torch.eye(-1)", ('raises', 'RuntimeError')),
    'eye of m -1': ("out = torch.eye(3, -1)", ('raises', 'RuntimeError')),
    'eye of 2.5': ("out = torch.eye(2.5)", ('raises', 'TypeError')),
    'randint of high <= low': ("out = torch.randint(5, 2, (3,))", ('raises', 'RuntimeError')),
    'randint of high == low': ("out = torch.randint(2, 2, (3,))", ('raises', 'RuntimeError')),
    'randint of a negative size': ("out = torch.randint(0, 5, (-1,))",
                                   ('raises', 'RuntimeError')),
    'randint of an int size': ("out = torch.randint(0, 5, 3)", ('raises', 'TypeError')),
    'randint of a float size': ("out = torch.randint(0, 5, (2.5,))", ('raises', 'TypeError')),
    'randint of a str size': ("out = torch.randint(0, 5, ('a',))", ('raises', 'TypeError')),
    'randint of a float low': ("out = torch.randint(0.5, 5, (3,))", ('raises', 'TypeError')),
    'randperm of -1': ("out = torch.randperm(-1)", ('raises', 'RuntimeError')),
    'randperm of 2.5': ("out = torch.randperm(2.5)", ('raises', 'TypeError')),
    'randn of generator 5': ("out = torch.randn(3, generator=5)", ('raises', 'TypeError')),
    "rand of generator 'x'": ("out = torch.rand(3, generator='x')", ('raises', 'TypeError')),
    'randint of generator 5': ("out = torch.randint(5, (3,), generator=5)",
                               ('raises', 'TypeError')),
    'randperm of generator 5': ("out = torch.randperm(3, generator=5)", ('raises', 'TypeError')),
    'normal_ of generator 5': ("out = torch.ones(3).normal_(generator=5)",
                               ('raises', 'TypeError')),
    'randn of a numpy generator': (
        "out = torch.randn(3, generator=np.random.default_rng(0)).shape", ('raises', 'TypeError')),

    # ----- seeds
    'Generator.manual_seed(-1) is 2**64 - 1': (
        "a = torch.randn(3, generator=torch.Generator().manual_seed(-1))\nb = torch.randn(3, generator=torch.Generator().manual_seed(2 ** 64 - 1))\nout = bool((a == b).all())",
        True),
    "Generator.manual_seed('a')": ("out = torch.Generator().manual_seed('a')",
                                   ('raises', 'RuntimeError')),
    'Generator.manual_seed(1.5)': ("out = torch.Generator().manual_seed(1.5)",
                                   ('raises', 'RuntimeError')),
    'Generator.manual_seed(True)': ("out = torch.Generator().manual_seed(True)",
                                    ('raises', 'RuntimeError')),
    'Generator.manual_seed(None)': ("out = torch.Generator().manual_seed(None)",
                                    ('raises', 'RuntimeError')),
    'Generator.manual_seed(2**70)': ("out = torch.Generator().manual_seed(2 ** 70)",
                                     ('raises', 'ValueError')),
    'Generator.manual_seed(2**64)': ("out = torch.Generator().manual_seed(2 ** 64)",
                                     ('raises', 'ValueError')),
    'Generator.manual_seed(-2**63 - 1)': ("out = torch.Generator().manual_seed(-2 ** 63 - 1)",
                                          ('raises', 'ValueError')),
    'manual_seed(-1)': ("out = type(torch.manual_seed(-1)).__name__", 'Generator'),
    "manual_seed('a')": ("out = torch.manual_seed('a')", ('raises', 'ValueError')),
    'manual_seed(None)': ("out = torch.manual_seed(None)", ('raises', 'TypeError')),
    'manual_seed(1.5) is manual_seed(1)': (
        "a = torch.manual_seed(1.5).get_state()\nb = torch.manual_seed(1).get_state()\nout = bool((a == b).all())", True),
    'Generator.manual_seed(np.int64(3))': (
        "out = type(torch.Generator().manual_seed(np.int64(3))).__name__", ('raises', 'TypeError')),

    # ----- operators and shapes
    'negation of a bool tensor': ("out = -torch.ones(3, dtype=torch.bool)",
                                  ('raises', 'RuntimeError')),
    "tensor times 'a'": ("out = torch.ones(3) * 'a'", ('raises', 'TypeError')),
    "'a' plus a tensor": ("out = 'a' + torch.ones(3)", ('raises', 'TypeError')),
    'where of shapes that do not broadcast': (
        "out = torch.where(torch.ones(3, dtype=torch.bool), torch.ones(2), torch.ones(3))",
        ('raises', 'RuntimeError')),
    'reshape of -2': (X + "out = x.reshape(-2, 6)", ('raises', 'RuntimeError')),
    'reshape of two -1': (X + "out = x.reshape(-1, -1)", ('raises', 'RuntimeError')),
    'reshape of a float size': (X + "out = x.reshape((2.5, 2))", ('raises', 'TypeError')),
    'view of a str size': (X + "out = x.view(('a', 2))", ('raises', 'TypeError')),
    'expand of a float size': (X + "out = x.expand((2.5, 4))", ('raises', 'TypeError')),
    'repeat of a float': (X + "out = x.repeat((1.5, 1))", ('raises', 'TypeError')),

    # ----- optimizers, schedulers and their checkpoints
    'a param group without params': (
        "w = torch.nn.Parameter(torch.ones(3))\nout = torch.optim.SGD([{'lr': 0.1}], lr=0.1)",
        ('raises', 'KeyError')),
    'add_param_group without params': (SGD + "out = opt.add_param_group({'lr': 0.1})",
                                       ('raises', 'KeyError')),
    'Adam of a param group without params': ("out = torch.optim.Adam([{'lr': 0.1}])",
                                             ('raises', 'KeyError')),
    'params as a dict': (
        "w = torch.nn.Parameter(torch.ones(3))\nout = torch.optim.SGD({'params': [w]}, lr=0.1)",
        ('raises', 'TypeError')),
    'params None': ("out = torch.optim.SGD(None, lr=0.1)", ('raises', 'TypeError')),
    'params 5': ("out = torch.optim.SGD(5, lr=0.1)", ('raises', 'TypeError')),
    'optimizer state_dict None': (SGD + "out = opt.load_state_dict(None)",
                                  ('raises', 'AttributeError')),
    'optimizer state_dict a list': (SGD + "out = opt.load_state_dict([])",
                                    ('raises', 'TypeError')),
    'optimizer state_dict without param_groups': (
        SGD + "out = opt.load_state_dict({'state': {}})", ('raises', 'KeyError')),
    'optimizer state_dict without state': (
        SGD + "out = opt.load_state_dict({'param_groups': [" + SGD_GROUP + "]})",
        ('raises', 'KeyError')),
    'optimizer state_dict of two groups for one': (
        SGD + "out = opt.load_state_dict({'state': {}, 'param_groups': [" + SGD_GROUP + ", "
        + SGD_GROUP + "]})", ('raises', 'ValueError')),
    'optimizer state_dict of too many params': (
        SGD + "out = opt.load_state_dict({'state': {}, 'param_groups': [{'params': [0, 1], "
        "'lr': 0.1}]})", ('raises', 'ValueError')),
    'optimizer state_dict group without params': (
        SGD + "out = opt.load_state_dict({'state': {}, 'param_groups': [{'lr': 0.1}]})",
        ('raises', 'KeyError')),
    'optimizer state_dict group None': (
        SGD + "out = opt.load_state_dict({'state': {}, 'param_groups': [None]})",
        ('raises', 'TypeError')),
    'optimizer state_dict params not a list': (
        SGD + "out = opt.load_state_dict({'state': {}, 'param_groups': [{'params': 0}]})",
        ('raises', 'TypeError')),
    'optimizer state_dict param_groups None': (
        SGD + "out = opt.load_state_dict({'state': {}, 'param_groups': None})",
        ('raises', 'TypeError')),
    'optimizer state_dict state None': (
        SGD + "out = opt.load_state_dict({'state': None, 'param_groups': [" + SGD_GROUP + "]})",
        ('raises', 'AttributeError')),
    'optimizer state_dict state of an unknown index': (
        SGD + "out = opt.load_state_dict({'state': {5: {}}, 'param_groups': [" + SGD_GROUP
        + "]})", None),
    'optimizer state_dict state entry None': (
        SGD + "out = opt.load_state_dict({'state': {0: None}, 'param_groups': [" + SGD_GROUP
        + "]})", None),
    'optimizer state_dict of a wrong-shaped buffer': (
        SGD + "out = opt.load_state_dict({'state': {0: {'momentum_buffer': torch.ones(5)}}, "
        "'param_groups': [" + SGD_GROUP + "]})", None),
    'scheduler state_dict None': (STEP + "out = sched.load_state_dict(None)",
                                  ('raises', 'TypeError')),
    'scheduler state_dict a list': (STEP + "out = sched.load_state_dict([1])",
                                    ('raises', 'TypeError')),
    'scheduler state_dict of an unknown key': (
        STEP + "out = sched.load_state_dict({'bogus': 1})", None),
    'scheduler state_dict of a str last_epoch': (
        STEP + "sched.load_state_dict({'last_epoch': 'a'})\nopt.step()\nout = sched.step()",
        ('raises', 'TypeError')),
    'scheduler state_dict of base_lrs None': (
        STEP + "sched.load_state_dict({'base_lrs': None})\nout = sched.get_last_lr()",
        [0.1]),
    'Module.load_state_dict(None)': (LINEAR + "out = lin.load_state_dict(None)",
                                     ('raises', 'TypeError')),
    'Module.load_state_dict of a list': (LINEAR + "out = lin.load_state_dict([1])",
                                         ('raises', 'TypeError')),
    'Module.load_state_dict of a str': (LINEAR + "out = lin.load_state_dict('a')",
                                        ('raises', 'TypeError')),
    'Module.load_state_dict of int keys': (LINEAR + "out = lin.load_state_dict({1: torch.ones(2)})",
                                           ('raises', 'AttributeError')),
    'Module.load_state_dict of a str value': (
        LINEAR + "out = lin.load_state_dict({'weight': 'a', 'bias': torch.ones(2)})",
        ('raises', 'RuntimeError')),
    'Module.load_state_dict of a bool weight casts': (
        LINEAR + "lin.load_state_dict({'weight': torch.ones(2, 2, dtype=torch.bool), 'bias': torch.zeros(2)})\nout = lin.weight",
        ('float32', [[1.0, 1.0], [1.0, 1.0]])),

    # ----- DataLoader seeds
    'DataLoader of generator 5': (DS + "out = list(DL(ds, shuffle=True, generator=5))",
                                  ('raises', 'TypeError')),
    "DataLoader of generator 'x'": (DS + "out = list(DL(ds, shuffle=True, generator='x'))",
                                    ('raises', 'TypeError')),
    'RandomSampler of generator 5': (DS + "out = list(torch.utils.data.RandomSampler(ds, "
                                     "generator=5))", ('raises', 'TypeError')),
    'random_split of generator 5': (DS + "out = torch.utils.data.random_split(ds, [2, 2], "
                                    "generator=5)", ('raises', 'TypeError')),
    'DataLoader of a numpy generator': (
        DS + "out = len(list(DL(ds, shuffle=True, generator=np.random.default_rng(0))))",
        ('raises', 'TypeError')),
    'DataLoader of a seed -1': (
        DS + "out = len(list(DL(ds, shuffle=True, generator=torch.Generator().manual_seed(-1))))",
        4),
    'DataLoader of a numpy batch_size': (DS + "out = len(list(DL(ds, batch_size=np.int64(2))))",
                                         ('raises', 'ValueError')),
    "clamp of 'a'": (X + "out = x.clamp('a')", ('raises', 'TypeError')),
    "clamp of a list": (X + "out = x.clamp([1], 2)", ('raises', 'TypeError')),
    "clamp of max 'b'": (X + "out = x.clamp(None, 'b')", ('raises', 'TypeError')),
    'clamp of a 0-d tensor': (X + "out = x.clamp(torch.tensor(0.5), 0.75)[0]",
                              ('float32', [0.75, 0.75, 0.75, 0.75])),
    "masked_fill of 'a'": (X + "out = x.masked_fill(torch.ones(3, 4, dtype=torch.bool), 'a')",
                           ('raises', 'TypeError')),
}

DELIBERATE = {
    'DataLoader of a numpy generator': 4,
    'DataLoader of a numpy batch_size': 2,
    # a checkpoint of the wrong form is a TypeError, not an AttributeError from inside, and
    # state torch would keep silently until a later step fails is refused (docs/pytorch.md)
    'optimizer state_dict None': ('raises', 'TypeError'),
    'optimizer state_dict state None': ('raises', 'TypeError'),
    'optimizer state_dict state of an unknown index': ('raises', 'ValueError'),
    'optimizer state_dict state entry None': ('raises', 'TypeError'),
    'optimizer state_dict of a wrong-shaped buffer': ('raises', 'ValueError'),
    'scheduler state_dict of an unknown key': ('raises', 'ValueError'),
    'scheduler state_dict of base_lrs None': ('raises', 'TypeError'),
    'Module.load_state_dict of int keys': ('raises', 'TypeError'),
    # numpy integers are accepted wherever a Python int is (docs/pytorch.md)
    'Generator.manual_seed(np.int64(3))': 'Generator',
    # minigrad's generator= also takes a numpy Generator (docs/pytorch.md)
    'randn of a numpy generator': (3,),
}
