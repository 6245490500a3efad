"""Shared test helpers: independent answers (central differences) and clean state."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pytest


def central_diff(f: Callable[..., float], args: Sequence[float], k: int, h: float = 1e-6) -> float:
    """d f / d args[k] by central differences, computed with plain floats (no scalargraph)."""
    up = list(args)
    down = list(args)
    step = h * max(1.0, abs(args[k]))
    up[k] += step
    down[k] -= step
    return (f(*up) - f(*down)) / (2 * step)


@pytest.fixture
def close() -> Callable[[float, float, float], bool]:
    def check(a: float, b: float, rel: float = 1e-6) -> bool:
        return math.isclose(a, b, rel_tol=rel, abs_tol=rel)
    return check
