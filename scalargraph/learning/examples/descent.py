"""Gradient descent on F[a] = x·a² + a (x = 4): a slides to the minimum a = −1/(2x) = −1/8.

dF/da = 2·x·a + 1, so each step a ← a − lr·(2xa + 1) shrinks the distance to −1/8
by the factor (1 − 2·x·lr): 0.6 for lr = 0.05.
"""

from __future__ import annotations

from .. import nn
from .result import TrainingResult
from .worked import param_attached

__all__ = ["descent"]


def descent(x: float = 4.0, a: float = 1.0, lr: float = 0.05, steps: int = 40,
            plot: bool = True) -> TrainingResult:
    """Run gradient descent on the attached parameter a; ``result.trajectory`` is a after each step."""
    example = param_attached(x, a)
    param = example.leaves[1]
    trajectory = [param.value]
    history = nn.fit(example.output, steps, lr=lr, progress=False,
                     callback=lambda step, loss: trajectory.append(param.value))
    result = TrainingResult("descent", param, history, trajectory=trajectory,
                            data={"x": x, "a0": a, "lr": lr, "minimum": -1.0 / (2.0 * x)})
    if plot:
        from ..plot import subplots

        fig, (ax,) = subplots(1, size=(6.0, 4.0))
        ax.plot(range(len(trajectory)), trajectory, "o-", markersize=3, label="a")
        ax.axhline(-1.0 / (2.0 * x), color="C3", linestyle="--", label=f"a* = −1/(2x) = {-1 / (2 * x):g}")
        ax.set_xlabel("iteration")
        ax.set_ylabel("a")
        ax.set_title(f"gradient descent on F[a] = x·a² + a (x = {x:g}, lr = {lr:g})")
        ax.legend(loc="best")
        result.figure = fig
    return result
