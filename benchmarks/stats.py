"""Small statistics for the benchmarks (pure, no dependencies)."""

import math


def percentile(values, fraction):
    """The ``fraction`` (0..1) percentile of ``values``, interpolating linearly between
    the two nearest ranks (numpy's default); None for no values."""
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must lie between 0 and 1")
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    lower, upper = math.floor(position), math.ceil(position)
    if lower == upper:
        return float(ordered[lower])
    weight = position - lower
    return ordered[lower] * (1 - weight) + ordered[upper] * weight


def summary(values):
    """Count, mean, p50, p90, p99, min and max of ``values``."""
    values = list(values)
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "mean": sum(values) / len(values),
        "p50": percentile(values, 0.50),
        "p90": percentile(values, 0.90),
        "p99": percentile(values, 0.99),
        "min": min(values),
        "max": max(values),
    }
