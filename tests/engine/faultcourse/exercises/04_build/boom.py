"""Fault: raises while being imported."""

LIMITS = {"low": 1, "high": 10}
DEFAULT = LIMITS["medium"]


def clamp(x):
    return max(LIMITS["low"], min(LIMITS["high"], x))
