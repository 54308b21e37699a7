"""The model zoo: plain and residual stacks for the gradient-flow study, CIFAR-style
ResNets and their plain twins, and a small MobileNet.

`build(name, **kwargs)` makes any of them by name (the training script's --model);
`load_checkpoint(run_folder)` gives back a trained one, and `plot_metrics` draws its run."""

from .mobilenet import mobilenet
from .resnet import (
    plain8, plain20, plain32, plain44, plain56, plain110, plain_net,
    resnet, resnet8, resnet20, resnet32, resnet44, resnet56, resnet110,
)
from .stacks import plain_cnn, plain_mlp, residual_cnn, residual_mlp
from .saved_run import load_checkpoint, plot_metrics

CONSTRUCTORS = {
    fn.__name__: fn
    for fn in (resnet8, resnet20, resnet32, resnet44, resnet56, resnet110,
               plain8, plain20, plain32, plain44, plain56, plain110, mobilenet)
}


def build(name, in_channels, num_classes, generator=None):
    """Make the named model for inputs of `in_channels` and `num_classes` outputs."""
    if name not in CONSTRUCTORS:
        raise ValueError(f"models: unknown model {name!r}; choose from {sorted(CONSTRUCTORS)}")
    return CONSTRUCTORS[name](in_channels=in_channels, num_classes=num_classes,
                              generator=generator)


__all__ = ["build", "CONSTRUCTORS", "resnet", "plain_net", "plain_mlp", "residual_mlp",
           "plain_cnn", "residual_cnn", "mobilenet", "load_checkpoint",
           "plot_metrics"] + list(CONSTRUCTORS)
