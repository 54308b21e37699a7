"""The kernel sets the conv-family tests run under, passed to `mg.kernels.use` explicitly.

"reference" and "fast" are the two kernel sets; the other entries are the fast set with its
thresholds moved so that each fast conv2d layout is forced on tiny shapes (the thresholds
as shipped would put every tiny map batch last).
"""

import minigrad as mg

KERNELS = {
    "reference": dict(name="reference"),
    "fast": dict(name="fast"),
    "fast: batch last": dict(name="fast", batch_last_positions=10**9),
    "fast: shifted views or im2col": dict(name="fast", batch_last_positions=0),
    "fast: im2col in kernel-row pieces": dict(name="fast", batch_last_positions=0,
                                             patch_bytes=1),
}

#: The two kernel sets, for tests of ops that have no layout choice.
KERNEL_SETS = ("reference", "fast")


def kernels(name):
    """`with kernels(name):` runs the block on KERNELS[name] (or a kernel set's name)."""
    return mg.kernels.use(**KERNELS[name])
