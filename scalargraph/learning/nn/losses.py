"""Losses as scalar graphs: mean squared error, hinge, softmax cross-entropy (stable log-sum-exp).

Each takes either batched nodes (numpy arrays of samples as values) or lists
of per-sample nodes, and returns one scalar node: the mean over the samples.

>>> import numpy as np, scalargraph as sg
>>> pred = sg.Node(np.array([1.0, 2.0]), name="pred")
>>> mse(pred, np.array([0.0, 4.0])).value          # (1 + 4) / 2
2.5
>>> hinge(sg.Node(np.array([2.0, 0.5])), np.array([1.0, -1.0])).value   # (0 + 1.5) / 2
0.75
>>> round(softmax_cross_entropy([sg.Node(0.0), sg.Node(0.0)], 1).value, 6)   # log 2
0.693147
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...core import functions
from ...core.node import Node
from ...errors import InputError

__all__ = ["average", "hinge", "log_sum_exp", "mse", "softmax_cross_entropy"]


def average(terms: Node | Sequence[Node]) -> Node:
    """The mean of per-sample terms: ``sg.mean`` of a batch node, or (t1 + ... + tn) / n of a list.

    >>> average([Node(1.0), Node(2.0), Node(6.0)]).value
    3.0
    """
    if isinstance(terms, Node):
        return functions.mean(terms)
    if not terms:
        raise InputError("nothing to average: the list of per-sample terms is empty")
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total if len(terms) == 1 else total * (1.0 / len(terms))


def _pairs(pred: Any, target: Any) -> list[tuple[Any, Any]]:
    if len(pred) != len(target):
        raise InputError(f"{len(pred)} predictions but {len(target)} targets; give one target per sample")
    return list(zip(pred, target))


def mse(pred: Node | Sequence[Node], target: Any) -> Node:
    """Mean squared error: mean of (pred − target)² over the samples."""
    if isinstance(pred, Node):
        return average((pred - target) ** 2)
    return average([(p - t) ** 2 for p, t in _pairs(pred, target)])


def hinge(scores: Node | Sequence[Node], labels: Any) -> Node:
    """Hinge loss for labels ±1: mean of max(0, 1 − label·score) over the samples."""
    _check_signs(labels)
    if isinstance(scores, Node):
        return average(functions.relu(1 - labels * scores))
    return average([functions.relu(1 - float(y) * s) for s, y in _pairs(scores, labels)])


def _check_signs(labels: Any) -> None:
    values = labels.value if isinstance(labels, Node) else np.asarray(labels, dtype=float)
    if not np.all(np.abs(values) == 1.0):
        raise InputError("hinge loss needs labels -1 or +1 (for 0/1 labels use 2*y - 1)")


def log_sum_exp(logits: Sequence[Node]) -> Node:
    """log Σ exp(z_k), computed as m + log Σ exp(z_k − m) with m = max_k z_k (never overflows).

    The max stays in the graph, so re-running ``Graph.forward`` with new values stays
    stable; its gradient cancels exactly (d/dm = 1 − Σ softmax = 0).

    >>> log_sum_exp([Node(1000.0), Node(1000.0)]).value == 1000.0 + float(np.log(2.0))
    True
    """
    top = logits[0]
    for z in logits[1:]:
        top = functions.maximum(top, z)
    total = functions.exp(logits[0] - top)
    for z in logits[1:]:
        total = total + functions.exp(z - top)
    return top + functions.log(total)


def _pick(logits: Sequence[Node], label: Any) -> Node:
    """z_label: for one sample the node itself; for a batch Σ_k [label == k]·z_k."""
    classes = len(logits)
    if isinstance(label, Node):
        raise InputError(
            "class labels pick one logit per sample when the loss is built, so they cannot be a "
            "Node fed new values later; pass ints (or an int array) and, for minibatches, rebuild "
            "the loss each step: sg.nn.fit(lambda: softmax_cross_entropy(...), ...)"
        )
    labels = np.asarray(label)
    if labels.dtype.kind not in "iu" and not np.all(labels == np.round(labels)):
        raise InputError(f"class labels must be whole numbers 0..{classes - 1}, got {labels!r}")
    if np.any((labels < 0) | (labels >= classes)):
        raise InputError(f"class labels must be in 0..{classes - 1} for {classes} logits, got {labels!r}")
    if labels.ndim == 0:
        return logits[int(labels)]
    picked = logits[0] * (labels == 0).astype(float)
    for k in range(1, classes):
        picked = picked + logits[k] * (labels == k).astype(float)
    return picked


def softmax_cross_entropy(logits: Sequence[Any], labels: Any) -> Node:
    """−log softmax(z)_label, averaged over the samples, via a stable log-sum-exp.

    ``logits`` is a list of one node per class (each a float or a batch of samples) with
    ``labels`` an int or an int array; or a list of such per-sample lists with a list of ints.
    """
    if not logits:
        raise InputError("softmax_cross_entropy needs at least one logit")
    if isinstance(logits[0], Node):
        return average(log_sum_exp(logits) - _pick(logits, labels))
    return average([log_sum_exp(z) - _pick(z, y) for z, y in _pairs(logits, labels)])
