"""The transposed convolution layer, around `F.conv_transpose2d`."""

from .. import functional as F
from ..functional.checks import array_of, int_pair
from ..functional.conv_transpose import check_output_padding, output_padding_for
from .conv import new_weight_and_bias, set_up_conv
from .module import Module, factory_dtype


class ConvTranspose2d(Module):
    """2-D transposed convolution, as `torch.nn.ConvTranspose2d`: the adjoint of a Conv2d
    from C_out to C_in channels, mapping its output shape back to its input shape.

    Args:
        in_channels, out_channels: C_in, C_out.
        kernel_size, stride, padding, dilation: an int or a pair (h, w).
        output_padding: an int or a pair added to the output's bottom and right size, each
            smaller than the stride or the dilation.
        groups: as Conv2d. bias: learn a bias per output channel.
        padding_mode: 'zeros' only.
        generator: numpy Generator for the initial weights; dtype: of the parameters.

    Shapes: (N, C_in, H, W) -> (N, C_out, H_out, W_out),
        H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + output_padding + 1.
    Parameters: weight (C_in, C_out / groups, kH, kW), bias (C_out,).
    Initialization (PyTorch's): weight kaiming_uniform_(a=sqrt(5)), which with this layout
    is U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for fan_in = C_out / groups * kH * kW; bias the same.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None, *, generator=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        name = "ConvTranspose2d"
        set_up_conv(self, in_channels, out_channels, groups, padding_mode)
        self.kernel_size = int_pair(name, "kernel_size", kernel_size, 1)
        self.stride = int_pair(name, "stride", stride, 1)
        self.padding = int_pair(name, "padding", padding, 0)
        self.output_padding = int_pair(name, "output_padding", output_padding, 0)
        self.dilation = int_pair(name, "dilation", dilation, 1)
        check_output_padding(name, self.output_padding, self.stride, self.dilation)
        new_weight_and_bias(self, (in_channels, out_channels // groups) + self.kernel_size, bias,
                            dtype, generator)

    def forward(self, input, output_size=None):
        """With output_size ((H_out, W_out) or (N, C, H_out, W_out)), the output_padding that
        gives it, in place of the layer's own (PyTorch's rule: one of the stride's sizes
        that a Conv2d would map back to the input's)."""
        output_padding = self.output_padding
        if output_size is not None:
            output_padding = output_padding_for(
                "ConvTranspose2d", array_of(input).shape[-2:], output_size, self.kernel_size,
                self.stride, self.padding, self.dilation)
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  output_padding, self.groups, self.dilation)

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        for name, default in (("padding", (0, 0)), ("dilation", (1, 1)),
                              ("output_padding", (0, 0))):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + ("" if self.bias is not None else ", bias=False")
