"""Training: plain SGD (with optional momentum and weight decay), a text progress bar, and ``fit``.

``fit`` builds the graph once and re-runs ``Graph.forward`` / ``Graph.backward``
each step (the core's point: nothing is rebuilt), or calls a function that
builds a fresh loss each step when the graph changes shape.

>>> import scalargraph as sg
>>> x, a = sg.Node(4.0, name="x"), sg.Param(1.0, name="a")
>>> F = x * a * a + a                      # minimum at a = -1/(2x) = -1/8
>>> history = fit(F, steps=60, lr=0.05, progress=False)
>>> round(a.value, 9), round(history[0], 6)
(-0.125, 5.0)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from ...core.graph import Graph
from ...core.node import Node, is_param
from ...errors import InputError

__all__ = ["SGD", "ProgressBar", "fit"]


class SGD:
    """v ← momentum·v − lr·(grad + weight_decay·p);  p ← p + v.

    Weight decay adds ``weight_decay·p`` to each gradient: the gradient of an L2 penalty
    (weight_decay/2)·Σp² added to the loss. Parameters whose grad is None are skipped.
    """

    def __init__(self, params: Iterable[Node], lr: float = 0.1, momentum: float = 0.0,
                 weight_decay: float = 0.0) -> None:
        self.params = list(params)
        for p in self.params:
            if not is_param(p):
                raise InputError(f"SGD optimizes sg.Param leaves; got {p!r}")
        if not 0.0 <= momentum < 1.0:
            raise InputError(f"momentum must be in [0, 1), got {momentum}")
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self._velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """Move every parameter one step against its gradient."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            v = mu * self._velocity[i] - lr * (g + wd * p.value)
            self._velocity[i] = v
            p.value = p.value + v

    def zero_grad(self) -> None:
        """Clear the gradients (None: "not computed"); ``backward()`` recomputes them anyway."""
        for p in self.params:
            p.grad = None


class ProgressBar:
    """A one-line text progress bar (``\\r`` redraws it in a terminal and in Jupyter).

    Redraws at most every ``interval`` seconds, and always at the last step.

    >>> import io
    >>> out = io.StringIO()
    >>> bar = ProgressBar(4, stream=out, width=8, interval=0.0)
    >>> for step in range(4):
    ...     bar.update(step + 1, loss=1.0 / (step + 1))
    >>> bar.close()
    >>> out.getvalue().split("\\r")[-1].split("  ")[0]
    'step 4/4 [########] loss 0.25'
    """

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 24,
                 interval: float = 0.1) -> None:
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.width = width
        self.interval = interval
        self._start = time.perf_counter()
        self._last = -float("inf")
        self._longest = 0  # a shorter line is padded so that no characters of the last one remain

    def update(self, step: int, loss: float) -> None:
        now = time.perf_counter()
        if step < self.total and now - self._last < self.interval:
            return
        self._last = now
        filled = round(self.width * step / self.total) if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        line = f"step {step}/{self.total} [{bar}] loss {loss:.4g}  {now - self._start:.1f}s"
        self._longest = max(self._longest, len(line))
        self.stream.write("\r" + line.ljust(self._longest))
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


LossSource = Node | Callable[[], Node]


def fit(loss: LossSource, steps: int = 100, lr: float | Callable[[int], float] | None = None, *,
        optimizer: SGD | None = None, params: Iterable[Node] | None = None,
        feed: Callable[[int], dict[str, Any]] | None = None, progress: bool | TextIO = True,
        callback: Callable[[int, float], None] | None = None) -> list[float]:
    """Train for ``steps`` steps; return the loss before each update (the history).

    - ``loss``: a scalar Node (its graph is built once; each step re-runs forward and
      backward), or a function returning a fresh loss Node (rebuilt each step).
    - ``lr``: a number, or a function of the step (0, 1, ...) giving the rate (a schedule);
      default 0.1, or the optimizer's own rate when one is given.
    - ``optimizer``: default ``SGD(params, lr)``; ``params`` default: every Param in the graph.
    - ``feed``: with a Node loss, ``feed(step)`` gives new values for named leaves
      (e.g. ``{"x": xs_batch, "t": ts_batch}`` for minibatches), passed to ``Graph.forward``.
      Whatever changes with the batch must be such a leaf (``sg.Node(t, name="t")``): a
      numpy array written into the loss becomes a constant of the batch it was built with.
    - ``progress``: True draws a progress bar on stderr; False none; or a stream to draw on.
    - ``callback(step, loss)`` is called after each update.

    After the last update the graph is evaluated once more, so node values match the
    trained parameters.
    """
    if not isinstance(steps, int) or steps < 0:
        raise InputError(f"steps must be a whole number >= 0, got {steps!r}")
    if not isinstance(loss, Node) and not callable(loss):
        raise InputError(f"fit needs a loss Node or a function returning one, got {type(loss).__name__}")
    if feed is not None and not isinstance(loss, Node):
        raise InputError("feed= works with a loss Node (built once); a loss function can read its own data")
    fixed = Graph(loss) if isinstance(loss, Node) else None
    bar = _progress_bar(progress, steps)
    history: list[float] = []
    for step in range(steps):
        if fixed is None:
            graph = Graph(_build(loss))
        else:
            graph = fixed
            if feed is not None:
                graph.forward(**feed(step))
            elif step > 0:
                graph.forward()
        value = graph.output.value
        if value.__class__ is not float:
            raise InputError("the loss must be one number: reduce a batch with sg.mean(...) or sg.sum(...)")
        graph.backward()
        if optimizer is None:
            optimizer = SGD(graph.params if params is None else params)
            lr = 0.1 if lr is None else lr
        if lr is not None:
            optimizer.lr = _rate(lr, step)
        optimizer.step()
        history.append(value)
        if bar is not None:
            bar.update(step + 1, value)
        if callback is not None:
            callback(step, value)
    if fixed is not None and steps:
        fixed.forward()
    if bar is not None:
        bar.close()
    return history


def _build(loss: LossSource) -> Node:
    node = loss if isinstance(loss, Node) else loss()
    if not isinstance(node, Node):
        raise InputError(f"the loss function must return a Node, got {type(node).__name__}")
    return node


def _rate(lr: float | Callable[[int], float], step: int) -> float:
    return float(lr(step)) if callable(lr) else float(lr)


def _progress_bar(progress: bool | TextIO, steps: int) -> ProgressBar | None:
    if progress is False or steps == 0:
        return None
    return ProgressBar(steps, stream=None if progress is True else progress)
