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


def chain_us(x, one, length):
    """(forward, backward) microseconds per op for a chain of `length` additions y = y + one
    from x, then y.sum().backward(): any library whose tensors add and backward this way."""
    start = time.perf_counter()
    y = x
    for _ in range(length):
        y = y + one
    middle = time.perf_counter()
    y.sum().backward()
    end = time.perf_counter()
    return (middle - start) / length * 1e6, (end - middle) / length * 1e6
