"""What a training demo returns: the model, the loss history, the score and the figure.

>>> r = TrainingResult("toy", model=None, history=[2.0, 1.0], accuracy=1.0)
>>> r
TrainingResult('toy', steps=2, final loss 1, accuracy 100.0%)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["TrainingResult"]


@dataclass
class TrainingResult:
    """The outcome of a demo. ``figure`` is a matplotlib Figure (None with ``plot=False``);
    ``data`` holds the arrays it was trained on (and tested on, where there is a test set)."""

    name: str
    model: Any
    history: list[float]
    accuracy: float | None = None
    test_loss: float | None = None
    figure: Any = None
    seconds: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)
    trajectory: list[float] | None = None

    def __repr__(self) -> str:
        parts = [f"steps={len(self.history)}"]
        if self.history:
            parts.append(f"final loss {self.history[-1]:.4g}")
        if self.accuracy is not None:
            parts.append(f"accuracy {100 * self.accuracy:.1f}%")
        if self.test_loss is not None:
            parts.append(f"test loss {self.test_loss:.4g}")
        return f"TrainingResult({self.name!r}, {', '.join(parts)})"
