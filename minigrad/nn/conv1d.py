"""The 1-D convolution layer, around `F.conv1d` (a conv2d over maps of height 1)."""

from .. import functional as F
from ..functional.checks import padding_spec
from ..functional.conv1d import single
from .conv import new_weight_and_bias, set_up_conv
from .module import Module, factory_dtype


class Conv1d(Module):
    """1-D convolution over (N, C_in, L) input, as `torch.nn.Conv1d` (cross-correlation).

    Args:
        in_channels, out_channels: C_in, C_out.
        kernel_size, stride, dilation: an int (or a 1-tuple).
        padding: an int (or a 1-tuple) of zeros on each side, or 'valid' or 'same' (stride 1).
        groups: as Conv2d. bias: learn a bias per output channel.
        padding_mode: 'zeros' only.
        generator: numpy Generator for the initial weights; dtype: of the parameters.

    Shapes: (N, C_in, L) or (C_in, L) -> (N, C_out, L_out),
        L_out = (L + 2 padding - dilation (K - 1) - 1) // stride + 1.
    Parameters: weight (C_out, C_in / groups, K), bias (C_out,).
    Initialization (PyTorch's): weight kaiming_uniform_(a=sqrt(5)) = U(-1/sqrt(fan_in),
    1/sqrt(fan_in)) with fan_in = C_in / groups * K; bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None, *,
                 generator=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        set_up_conv(self, in_channels, out_channels, groups, padding_mode)
        self.kernel_size = (single("Conv1d", "kernel_size", kernel_size, 1),)
        self.stride = (single("Conv1d", "stride", stride, 1),)
        self.dilation = (single("Conv1d", "dilation", dilation, 1),)
        if isinstance(padding, str):
            self.padding = padding_spec("Conv1d", padding)
            if padding == "same" and self.stride != (1,):
                raise ValueError(f"Conv1d: padding='same' needs stride 1, got stride {stride}")
        else:
            self.padding = (single("Conv1d", "padding", padding, 0),)
        new_weight_and_bias(self, (out_channels, in_channels // groups) + self.kernel_size, bias,
                            dtype, generator)

    def forward(self, input):
        return F.conv1d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,):
            text += f", padding={self.padding}"
        if self.dilation != (1,):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + ("" if self.bias is not None else ", bias=False")
