"""Shared test helpers: independent answers (central differences) and clean state."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence

import pytest
from hypothesis import settings

# Hypothesis profiles. `ci` (the default, `make test`): a fixed seed, so every run checks
# the same examples; tests scale their counts from max_examples=100 (tests/strategies.py).
# `fuzz` (`make fuzz`): fresh random examples, 20 times as many, failures saved for replay.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=100,
                          print_blob=True)
settings.register_profile("fuzz", deadline=None, max_examples=2000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
