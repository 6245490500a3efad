"""Plots for learning: a function with its derivative and tangent, loss curves, decision
boundaries, and the gradients of a graph's leaves. matplotlib is imported only here.

Each function takes ``ax=`` (a matplotlib Axes to draw on; by default a new
``matplotlib.figure.Figure`` without pyplot, so nothing is shown or kept
globally) and returns the Axes; ``ax.figure`` is its figure.

>>> import scalargraph as sg
>>> x = sg.Node(1.0, name="x")
>>> ax = plot_function(x * x, wrt=x)
>>> [line.get_label() for line in ax.get_lines()][:3]
['f(x)', "f'(x)", 'tangent at x = 1']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core.functions import sum as sum_node
from ..core.graph import Graph, evaluation_plan, reevaluate
from ..core.labels import labels
from ..core.node import Node, is_param
from ..core.schedule import gradients
from ..errors import DomainError, InputError, MissingDependencyError

__all__ = ["plot_decision_boundary", "plot_function", "plot_grads", "plot_loss", "subplots"]


def subplots(cols: int = 1, rows: int = 1, size: tuple[float, float] = (5.0, 4.0)) -> tuple[Any, list[Any]]:
    """A new matplotlib Figure (made without pyplot: nothing is shown or kept globally) with
    ``rows × cols`` Axes of ``size`` inches each; returns ``(figure, [axes...])``.

    >>> fig, axes = subplots(2)
    >>> len(axes), fig.get_size_inches().tolist()
    (2, [10.0, 4.0])
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependencyError(
            "plots need matplotlib: pip install matplotlib (or pip install scalargraph)"
        ) from None
    fig = Figure(figsize=(size[0] * cols, size[1] * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    return fig, [ax for row in axes for ax in row]


def _axes(ax: Any) -> Any:
    """``ax`` itself, or the Axes of a new pyplot-free Figure."""
    return subplots(size=(6.0, 4.0))[1][0] if ax is None else ax


def plot_function(f: Node, wrt: Node, lo: float | None = None, hi: float | None = None,
                  points: int = 401, ax: Any = None) -> Any:
    """Plot ``f`` and ``df/d wrt`` over [lo, hi] (default: the current value ± 3), with the
    tangent line at the current point. The whole graph is evaluated on a batch (one pass),
    and every value and gradient is put back afterwards.
    """
    graph = Graph(f)
    if not any(n is wrt for n in graph.nodes) or wrt.op is not None:
        raise InputError("wrt must be an input or parameter leaf that f depends on")
    x0 = wrt.value
    if x0.__class__ is not float:
        raise InputError("wrt must hold one number (the current point), not a batch")
    lo = x0 - 3.0 if lo is None else float(lo)
    hi = x0 + 3.0 if hi is None else float(hi)
    if not lo < hi or points < 2:
        raise InputError(f"plot_function needs lo < hi and points >= 2; got lo={lo}, hi={hi}, "
                         f"points={points}")
    grid = np.linspace(lo, hi, points)
    ys, dys = _values_and_slopes(f, wrt, grid, (lo, hi))
    y0, d0 = _values_and_slopes(f, wrt, x0, (lo, hi))
    name, out = wrt.name or "x", f.name or "f"
    ax = _axes(ax)
    ax.plot(grid, ys, label=f"{out}({name})")
    ax.plot(grid, dys, "--", label=f"{out}'({name})")
    ax.plot(grid, y0 + d0 * (grid - x0), ":", color="0.3", label=f"tangent at {name} = {x0:.4g}")
    ax.plot([x0], [y0], "o", color="C3", label=f"slope {d0:.4g}")
    low, high = min(ys.min(), dys.min()), max(ys.max(), dys.max())
    pad = 0.1 * (high - low) or 1.0
    ax.set_ylim(low - pad, high + pad)  # the tangent may leave the picture; f and f' stay in
    ax.set_xlabel(name)
    ax.axhline(0.0, color="0.85", linewidth=0.8, zorder=0)
    ax.legend(loc="best", fontsize="small")
    return ax


def _values_and_slopes(f: Node, wrt: Node, x: Any, span: tuple[float, float]) -> tuple[Any, Any]:
    """f and df/dwrt at ``x`` (a float or a grid), leaving every node as it was."""
    total = sum_node(f)  # d(Σ f)/dx_i = f'(x_i): the samples are independent
    graph = Graph(total)
    saved = [n.value for n in graph.nodes]
    try:
        changed = {i: x for i, n in enumerate(graph.nodes) if n is wrt}
        for n, value_ in zip(graph.nodes, reevaluate(graph.nodes, evaluation_plan(graph.nodes), changed)):
            n.value = value_
        value = np.broadcast_to(f.value, np.shape(x)).copy()
        slope = np.broadcast_to(gradients(graph, wrt), np.shape(x)).copy()  # writes no .grad
    except DomainError as err:
        raise DomainError(f"{err} (while plotting over [{span[0]:.4g}, {span[1]:.4g}]: "
                          "choose lo= and hi= inside the domain)") from None
    finally:
        for n, value_ in zip(graph.nodes, saved):
            n.value = value_
    return value, slope


def plot_loss(history: Sequence[float], ax: Any = None, log: bool | None = None,
              label: str = "loss") -> Any:
    """The loss after each step. ``log=None`` uses a log scale when the loss spans 100x or more."""
    values = np.asarray(history, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise InputError("plot_loss needs a non-empty list of loss values, e.g. the history from sg.nn.fit")
    ax = _axes(ax)
    ax.plot(np.arange(values.size), values, label=label)
    if log is None:
        log = bool(values.min() > 0 and values.max() / values.min() >= 100)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel(label)
    return ax


def predict_classes(model: Callable[[Any], Any], X: Any, classes: Any) -> Any:  # noqa: N803
    """The class of each row of ``X``: the sign of a single score (``classes[1]`` when > 0),
    or the largest of several scores (one per class), evaluated as one batch.

    >>> predict_classes(lambda x: x[0] - x[1], np.array([[2.0, 1.0], [0.0, 3.0]]), [-1, 1]).tolist()
    [1, -1]
    """
    columns = [np.asarray(X[:, j], dtype=float) for j in range(X.shape[1])]
    out = model([Node(c) for c in columns])
    classes = np.asarray(classes)
    if isinstance(out, Node):
        if len(classes) != 2:
            raise InputError(f"a model with one output separates 2 classes; the labels have {len(classes)}")
        return classes[(np.broadcast_to(out.value, len(X)) > 0).astype(int)]
    if len(out) != len(classes):
        raise InputError(f"the model has {len(out)} outputs but the labels have {len(classes)} classes")
    scores = np.stack([np.broadcast_to(o.value, len(X)) for o in out])
    return classes[np.argmax(scores, axis=0)]


def plot_decision_boundary(model: Callable[[Any], Any], X: Any, y: Any, ax: Any = None,  # noqa: N803
                           resolution: int = 120, margin: float = 0.5) -> Any:
    """The regions where ``model`` predicts each class, with the data points ``X`` (n × 2)
    coloured by their labels ``y``. The model is called once, on the whole grid as a batch."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or len(y) != len(X):
        raise InputError(f"plot_decision_boundary needs X of shape (n, 2) and n labels; "
                         f"got X {X.shape} and {len(y)} labels")
    classes = np.unique(y)
    xs = np.linspace(X[:, 0].min() - margin, X[:, 0].max() + margin, resolution)
    ys = np.linspace(X[:, 1].min() - margin, X[:, 1].max() + margin, resolution)
    xx, yy = np.meshgrid(xs, ys)
    pred = predict_classes(model, np.c_[xx.ravel(), yy.ravel()], classes)
    index = np.searchsorted(classes, pred).reshape(xx.shape)
    ax = _axes(ax)
    cmap = "coolwarm" if len(classes) == 2 else "viridis"
    levels = np.arange(len(classes) + 1) - 0.5
    ax.contourf(xx, yy, index, levels=levels, cmap=cmap, alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=np.searchsorted(classes, y), cmap=cmap, vmin=0,
               vmax=len(classes) - 1, s=18, edgecolors="k", linewidths=0.5)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    return ax


def plot_grads(f: Node, ax: Any = None, max_labels: int = 40) -> Any:
    """A bar chart of d f / d leaf for every input and parameter (after ``f.backward()``,
    which this runs). Parameters are drawn in a second colour; leaves holding a batch
    are left out and named in the title."""
    graph = Graph(f)
    graph.backward()
    names, grads, colours, batches = [], [], [], []
    shown = labels(graph)  # the one label every tool shows for a node
    for leaf in graph.inputs + graph.params:
        name = shown[leaf]
        if leaf.grad.__class__ is not float:
            batches.append(name)
            continue
        names.append(name)
        grads.append(leaf.grad)
        colours.append("C1" if is_param(leaf) else "C0")
    if not names:
        raise InputError("plot_grads: no leaf with a single-number gradient to draw")
    ax = _axes(ax)
    positions = np.arange(len(names))
    bars = ax.bar(positions, grads, color=colours)
    if len(names) <= 12:
        ax.bar_label(bars, fmt="%.4g", fontsize="small")
    ax.axhline(0.0, color="0.5", linewidth=0.8)
    if len(names) <= max_labels:
        ax.set_xticks(positions, names, rotation=90 if len(names) > 8 else 0)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{len(names)} leaves (inputs blue, parameters orange)")
    ax.set_ylabel(f"d{f.name or 'f'}/d leaf")
    if batches:
        ax.set_title(f"not shown (batch gradients): {', '.join(batches)}", fontsize="small")
    return ax
