"""GradientRecorder: per-layer gradient norms, read off a model during backward.

Two quantities, after Glorot & Bengio (2010):

- the activation gradient ||dL/dx_l|| at every block boundary x_l (the stem's output x_0 and
  each block's output x_1 .. x_L), read by tensor hooks that a forward hook places on each
  boundary tensor as it is made;
- the weight gradient ||dL/dW|| of every weighted layer (every parameter with 2 or more dims),
  read from `.grad` after backward.

The hooks only read: they return None, so recording never changes a gradient (a test checks
that gradients are bit-identical with the recorder on and off).
"""

import numpy as np


class GradientRecorder:
    """Attach to a model, run forward and backward as usual, then call `record()`.

        recorder = GradientRecorder(model)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        recorder.record()               # one row per step
        recorder.activation_norms       # (steps, L + 1): ||dL/dx_l||, l = 0 .. L
        recorder.weight_norms           # (steps, number of weighted layers)
        recorder.remove()

    Args:
        model: a module. By default the boundaries are `model.stem` (x_0) and each module of
            `model.blocks` (x_1 .. x_L), the layout of the stacks in `models/`.
        boundaries: or the list of modules whose outputs are the boundaries, in forward order.
    """

    def __init__(self, model, boundaries=None):
        if boundaries is None:
            if not (hasattr(model, "stem") and hasattr(model, "blocks")):
                raise ValueError(
                    "GradientRecorder: the model has no `stem` and `blocks`; pass the boundary "
                    "modules as boundaries=[...]"
                )
            boundaries = [model.stem, *model.blocks]
        self.boundaries = list(boundaries)
        self.weight_names = [name for name, p in model.named_parameters() if p.ndim >= 2]
        self._weights = [p for _, p in model.named_parameters() if p.ndim >= 2]
        self._current = {}
        self._activation_rows = []
        self._weight_rows = []
        self._handles = [module.register_forward_hook(self._on_forward(i))
                         for i, module in enumerate(self.boundaries)]

    def _on_forward(self, index):
        def hook(module, inputs, output):
            if output.requires_grad:
                output.register_hook(lambda grad: self._note(index, grad))

        return hook

    def _note(self, index, grad):
        self._current[index] = float(np.linalg.norm(grad))
        return None  # read only: the gradient flows on unchanged

    def record(self):
        """Store this step's norms (call after backward). Boundaries the gradient never
        reached are recorded as 0."""
        self._activation_rows.append(
            [self._current.get(i, 0.0) for i in range(len(self.boundaries))]
        )
        self._weight_rows.append(
            [0.0 if p.grad is None else float(np.linalg.norm(p.grad)) for p in self._weights]
        )
        self._current = {}

    @property
    def activation_norms(self):
        return np.array(self._activation_rows, dtype=np.float64).reshape(-1, len(self.boundaries))

    @property
    def weight_norms(self):
        return np.array(self._weight_rows, dtype=np.float64).reshape(-1, len(self._weights))

    def remove(self):
        """Detach the forward hooks (tensor hooks die with their graphs)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []
