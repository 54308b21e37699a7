"""`device`: minigrad computes on the CPU only; asking for another device is a clear error.

`mg.cuda` and `mg.backends` answer the questions scripts ask before choosing a device
(`torch.cuda.is_available()`, `torch.accelerator.is_available()`,
`torch.backends.mps.is_available()`) the way torch answers them
on a machine without accelerators, so those lines run unchanged."""

import sys
import types


class device:
    """`torch.device`: minigrad has one device, the CPU."""

    def __init__(self, type="cpu"):
        self.type = _check_device(type)

    def __eq__(self, other):
        return isinstance(other, (device, str)) and str(other) == "cpu"

    __hash__ = object.__hash__

    def __repr__(self):
        return "device(type='cpu')"

    def __str__(self):
        return "cpu"


def _check_device(name):
    if str(name) != "cpu":
        raise RuntimeError(f"device: minigrad runs on the CPU only, got device {name!r}; leave "
                           f"out .to(device) / .cuda(), or write device='cpu'")
    return "cpu"



def _false():
    return False


def _module(name, doc, **attributes):
    """A real module, registered so that `import minigrad.backends.cudnn as cudnn` works."""
    module = types.ModuleType(f"minigrad.{name}", doc)
    module.__dict__.update(attributes)
    sys.modules[module.__name__] = module
    return module


cuda = _module("cuda", "torch.cuda's questions, answered as on a machine without a GPU.",
               is_available=_false, device_count=lambda: 0, manual_seed=lambda seed: None,
               manual_seed_all=lambda seed: None)
accelerator = _module("accelerator", "torch.accelerator: there is none besides the CPU.",
                      is_available=_false, current_accelerator=lambda check_available=False: None,
                      device_count=lambda: 0)
backends = _module("backends", "torch.backends: no MPS, no cuDNN to steer.",
                   mps=_module("backends.mps", "No Apple GPU.", is_available=_false,
                               is_built=_false),
                   cudnn=_module("backends.cudnn", "Its switches are accepted and steer nothing.",
                                 benchmark=False, deterministic=False, enabled=True,
                                 is_available=_false))
