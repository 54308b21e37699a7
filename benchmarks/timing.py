"""The one timing rule every benchmark here uses, on either side (minigrad or PyTorch):
two warm-up calls, then the median of `repeats` timed calls. Plain Python, so the PyTorch
processes can import it without loading minigrad."""

import time


def median_ms(fn, repeats):
    """Median wall time of fn() in milliseconds, after two untimed warm-up calls."""
    fn()
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2] * 1e3
