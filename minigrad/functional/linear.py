"""The fully connected map y = x @ weight^T + bias, composed of MatMul and Add."""

from .checks import shape_of


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias, as `torch.nn.functional.linear`.

    Args:
        input: Tensor (..., in_features).
        weight: Tensor (out_features, in_features).
        bias: Tensor (out_features,) or None.

    Returns:
        Tensor (..., out_features). A composition of Permute, MatMul and Add, so for 2-D input:
        dL/dx = g @ weight, dL/dweight = g^T @ input, dL/dbias = g summed over the rows.
    """
    x_shape, w_shape = shape_of(input), shape_of(weight)
    if len(w_shape) != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got {w_shape}")
    if not x_shape or x_shape[-1] != w_shape[1]:
        raise ValueError(
            f"linear: input's last axis must be in_features={w_shape[1]}, got input shape "
            f"{x_shape} for weight {w_shape}"
        )
    y = input @ weight.T
    if bias is not None:
        if shape_of(bias) != (w_shape[0],):
            raise ValueError(
                f"linear: bias must have shape ({w_shape[0]},), got {shape_of(bias)}"
            )
        y = y + bias
    return y
