"""`device`: minigrad computes on the CPU only; asking for another device is a clear error."""


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
