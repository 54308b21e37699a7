"""The error function, vectorized to float64 round-off (numpy has no erf, and scipy is not a
dependency). Two classical expansions, each used where it converges fast and cancels nothing:

- |x| < 2: erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 3 5 ... (2n+1)), a series of
  positive terms (Abramowitz and Stegun 7.1.6), so no digits are lost to cancellation;
- x >= 1: erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), the
  continued fraction of A&S 7.1.14, evaluated from a fixed depth upwards (deeper below 2,
  where it converges more slowly).

erfc is computed directly in the tail, so erfc(5) keeps its relative precision instead of
being 1 - 0.9999999999984626; exp(-x^2) is taken in two parts so that the rounding of x^2
(an error of x^2 * 1e-16, relative) does not reach it.
"""

import numpy as np

_SERIES_TERMS = 42  # the last term at |x| = 2 is below 1e-17 of the sum
_FRACTION_DEPTH = ((1.0, 160), (2.0, 60))  # (from x, depth): converged to round-off there
_SQRT_PI = np.sqrt(np.pi)


def _exp_minus_square(x):
    """exp(-x^2), with x = hi + lo and hi short enough that hi^2 is exact in float64."""
    hi = np.round(x * 4096.0) / 4096.0
    return np.exp(-hi * hi) * np.exp(-(x - hi) * (x + hi))


def _series_erf(x):
    x2 = x * x
    term = x.copy()
    total = x.copy()
    for n in range(1, _SERIES_TERMS):
        term *= 2.0 * x2 / (2 * n + 1)
        total += term
    return (2.0 / _SQRT_PI) * _exp_minus_square(x) * total


def _fraction_erfc(x, depth):
    """erfc(x) for x >= 1."""
    tail = x.copy()
    for k in range(depth, 0, -1):
        tail = x + (k / 2.0) / tail
    return _exp_minus_square(x) / _SQRT_PI / tail


def erf_and_erfc(x):
    """(erf(x), erfc(x)) elementwise in float64; erf(x) = 2/sqrt(pi) int_0^x exp(-t^2) dt and
    erfc(x) = 1 - erf(x), each to within a few units of round-off, NaN where x is NaN."""
    x = np.asarray(x, dtype=np.float64)
    size = np.abs(x)
    erf = np.full_like(x, np.nan)
    erfc = np.full_like(x, np.nan)
    small = size < 2.0
    erf[small] = _series_erf(x[small])
    erfc[size < 1.0] = 1.0 - erf[size < 1.0]
    for (low, depth), high in zip(_FRACTION_DEPTH, (2.0, np.inf)):
        band = (size >= low) & ((size < high) | (high == np.inf))
        # erfc(|x|); beyond 30 it is 0 in float64 (and inf - inf would make a NaN)
        upper = _fraction_erfc(np.minimum(size[band], 30.0), depth)
        positive = x[band] > 0
        erfc[band] = np.where(positive, upper, 2.0 - upper)
        if low >= 2.0:
            erf[band] = np.where(positive, 1.0 - upper, upper - 1.0)
    return erf, erfc
