"""The gradient-flow study: what the "+1" of a residual connection does to gradients.

`GradientRecorder` measures per-layer gradient norms; `experiments` runs the six studies;
`report` writes them up. Run it all with `python -m minigrad.analysis report` (or
`minigrad-report`).
"""

from .recorder import GradientRecorder

__all__ = ["GradientRecorder"]
