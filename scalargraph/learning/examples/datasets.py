"""Small data sets for the training demos, generated with numpy from a fixed seed (no downloads).

>>> X, y = moons_data(6, noise=0.0)
>>> X.shape, y.tolist()
((6, 2), [-1.0, -1.0, -1.0, 1.0, 1.0, 1.0])
>>> X, y = spiral_data(4, classes=3)
>>> X.shape, sorted(set(y.tolist()))
((12, 2), [0, 1, 2])
"""

from __future__ import annotations

import numpy as np

__all__ = ["moons_data", "spiral_data", "wave_data", "wave_function"]


def moons_data(n: int = 100, noise: float = 0.1, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's make_moons): X (n × 2), labels ±1."""
    rng = np.random.default_rng(seed)
    upper, lower = n // 2, n - n // 2
    t1, t2 = np.linspace(0, np.pi, upper), np.linspace(0, np.pi, lower)
    X = np.vstack([np.c_[np.cos(t1), np.sin(t1)], np.c_[1 - np.cos(t2), 0.5 - np.sin(t2)]])
    X = X + noise * rng.normal(size=X.shape)
    return X, np.r_[-np.ones(upper), np.ones(lower)]


def spiral_data(n_per_class: int = 100, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The cs231n case study's spiral: ``classes`` arms of ``n_per_class`` points; labels 0..K-1."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n_per_class * classes, 2))
    y = np.zeros(n_per_class * classes, dtype=int)
    for j in range(classes):
        rows = slice(n_per_class * j, n_per_class * (j + 1))
        r = np.linspace(0.0, 1.0, n_per_class)
        t = np.linspace(j * 4, (j + 1) * 4, n_per_class) + rng.normal(size=n_per_class) * 0.2
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[rows] = j
    return X, y


def wave_function(x: np.ndarray) -> np.ndarray:
    """y = cos(2x + 20x²), the regression target without noise."""
    return np.cos(2 * x + 20 * x ** 2)


def wave_data(n: int = 200, noise: float = 0.1, seed: int = 0, low: float = -0.5,
         high: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """n points x uniform in [low, high] with y = cos(2x + 20x²) + noise (normal, sd ``noise``)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(low, high, n))
    return x, wave_function(x) + noise * rng.normal(size=n)
