"""Write your own op: Softplus, y = log(1 + exp(x)), with the same mechanism as every built-in op.

Run: python examples/custom_op.py [--quick]
An op is a `Function` subclass: a static `forward` on numpy arrays and a static `backward`
that turns dL/dy into dL/dx (the vector-Jacobian product), side by side. `mg.gradcheck`
then proves the backward against central differences, and catches a wrong one.
"""

import argparse

import numpy as np

import minigrad as mg


# A user's op normally registers itself: `class Softplus(mg.Function):` here adds it to
# mg.Function.registry as "__main__.Softplus", beside minigrad's own Softplus (whose test
# suite insists that each of its ops has a gradient-check case). register=False keeps this
# demonstration out of the registry.
class Softplus(mg.Function, register=False):
    """y = log(1 + exp(x)).   VJP: dL/dx = g * sigmoid(x), since dy/dx = exp(x) / (1 + exp(x))."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)  # what backward will need, kept on the shared ctx
        return np.logaddexp(0.0, x)  # log(exp(0) + exp(x)), without overflow at large x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        return (grad / (1.0 + np.exp(-x)),)  # one gradient per input, in input order


class WrongSoftplus(Softplus, register=False):
    """The same forward with a deliberately wrong backward: it forgets the chain-rule factor."""

    @staticmethod
    def backward(ctx, grad):
        return (grad,)  # pretends dy/dx = 1


def main(n=51):
    x = mg.tensor(np.linspace(-4.0, 4.0, n), requires_grad=True)
    y = Softplus.apply(x)  # a Tensor wired into the graph, like any built-in op's output
    print(f"op of y: {y.grad_fn}; y[0] = {y.data[0]:.6f}, y[-1] = {y.data[-1]:.6f}")
    y.sum().backward()
    middle = n // 2  # x = 0 there, as n is odd
    print(f"dL/dx at x = {x.data[middle]:g}: {x.grad[middle]:.4f} (sigmoid(0) = 0.5)")
    print("gradcheck Softplus:", mg.gradcheck(Softplus.apply, [x]))
    try:
        mg.gradcheck(WrongSoftplus.apply, [x])
        print("gradcheck WrongSoftplus: passed (it should not have)")
    except mg.GradcheckError as error:
        print("gradcheck WrongSoftplus caught the bug:", error)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="check 5 points instead of 51")
    main(n=5 if parser.parse_args().quick else 51)
