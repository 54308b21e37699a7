"""`device`: minigrad computes on the CPU only; asking for another device is a clear error.

`mg.cuda` and `mg.backends` answer the questions scripts ask before choosing a device
(`torch.cuda.is_available()`, `torch.backends.mps.is_available()`) the way torch answers them
on a machine without accelerators, so those lines run unchanged."""

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


#: torch.cuda's questions, answered as on a machine without a GPU.
cuda = types.SimpleNamespace(is_available=_false, device_count=lambda: 0,
                             manual_seed=lambda seed: None, manual_seed_all=lambda seed: None)

#: torch.backends: no MPS; cudnn's switches are accepted (there is no cuDNN to steer).
backends = types.SimpleNamespace(
    mps=types.SimpleNamespace(is_available=_false, is_built=_false),
    cudnn=types.SimpleNamespace(benchmark=False, deterministic=False, enabled=True,
                                is_available=_false))
