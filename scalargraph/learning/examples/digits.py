"""Handwritten digits: softmax regression (or a small MLP) on scikit-learn's bundled 8×8 digits.

The MNIST recipe of the classic softmax-regression tutorial, on the 1797 8×8 digits
that ship inside scikit-learn (no download): pixels scaled to [0, 1], a quarter of the
images held out, and the layer table on minibatches::

    x (64 pixels) → Linear(64, 10) → Softmax → CrossEntropy(one-hot t) → Mean → L

The graph is built once, with the 64 pixels ``x1 … x64`` and the 10 one-hot targets
``t0 … t9`` as leaves; ``sg.nn.fit`` feeds each step a new minibatch through
``Graph.forward`` and draws its progress bar. ``hidden=32`` puts a hidden layer
``Linear(64, 32) → Sigmoid`` in front (an MLP). Needs scikit-learn
(``pip install 'scalargraph[digits]'``).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from ...core.graph import Graph
from ...core.node import Node
from ...errors import InputError, MissingDependencyError
from .. import nn
from .result import TrainingResult

__all__ = ["CLASSES", "digits", "digits_data", "one_hot"]

#: The ten classes, in the order of the Softmax outputs.
CLASSES = tuple(range(10))


def digits_data(test_fraction: float = 0.25, seed: int = 0) -> dict[str, np.ndarray]:
    """scikit-learn's 8×8 digits, pixels scaled to [0, 1], shuffled and split.

    Returns ``{"X_train", "y_train", "X_test", "y_test"}``: rows of 64 pixels and int labels.
    """
    if not 0.0 < test_fraction < 1.0:
        raise InputError(f"test_fraction is the share of images held out, between 0 and 1; "
                         f"got {test_fraction!r}")
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise MissingDependencyError(
            "the digits example needs scikit-learn (its wheel ships the 8x8 digits, no download): "
            "pip install 'scalargraph[digits]'  (or: pip install scikit-learn)") from None
    data = load_digits()
    X = np.asarray(data.data, dtype=float) / 16.0
    y = np.asarray(data.target, dtype=int)
    order = np.random.default_rng(seed).permutation(len(y))
    cut = round(len(y) * (1.0 - test_fraction))
    train, test = order[:cut], order[cut:]
    return {"X_train": X[train], "y_train": y[train], "X_test": X[test], "y_test": y[test]}


def one_hot(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """Rows of ``classes`` zeros with a 1 at each label.

    >>> one_hot(np.array([2, 0]), 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    out = np.zeros((len(labels), classes))
    out[np.arange(len(labels)), labels] = 1.0
    return out


def digits(epochs: int = 8, batch: int = 32, lr: float = 0.5, hidden: int | None = None,
           seed: int = 0, plot: bool = True, progress: bool = True) -> TrainingResult:
    """Train softmax regression (``hidden=None``) or a one-hidden-layer MLP on the digits.

    ``result.accuracy`` is the accuracy on the held-out quarter; ``result.data`` holds the
    split, the test predictions, the probabilities, the ``confusion`` matrix (rows: true
    digit, columns: predicted) and the ``train_accuracy``; ``result.figure`` shows the loss,
    the confusion matrix and the misclassified test digits.
    """
    for name, value in (("epochs", epochs), ("batch", batch)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{name} must be a whole number >= 1, got {value!r}")
    data: dict[str, Any] = dict(digits_data(seed=seed))
    X, y = data["X_train"], data["y_train"]
    if batch > len(y):
        raise InputError(f"batch={batch} is more than the {len(y)} training images")
    rng = np.random.default_rng(seed)
    model, pixels, targets, probs, loss = _network(hidden, rng)
    graph = Graph(loss)
    per_epoch = len(y) // batch  # whole minibatches only: every step has the same batch size
    order = np.concatenate([rng.permutation(len(y))[:per_epoch * batch] for _ in range(epochs)])

    def feed(step: int) -> dict[str, Any]:
        rows = order[step * batch:(step + 1) * batch]
        return _feed(pixels, targets, X[rows], y[rows])

    start = time.perf_counter()
    history = nn.fit(loss, epochs * per_epoch, lr=lr, feed=feed, progress=progress)
    seconds = time.perf_counter() - start
    train_probs = _predict(graph, pixels, targets, probs, X, y)
    test_probs = _predict(graph, pixels, targets, probs, data["X_test"], data["y_test"])
    predicted = test_probs.argmax(axis=1)
    accuracy = float(np.mean(predicted == data["y_test"]))
    data.update(probabilities=test_probs, predicted=predicted,
                confusion=confusion_matrix(data["y_test"], predicted),
                train_accuracy=float(np.mean(train_probs.argmax(axis=1) == y)))
    name = "digits, softmax regression" if hidden is None else f"digits, MLP 64-{hidden}-10"
    result = TrainingResult(name, model, history, accuracy=accuracy, seconds=seconds, data=data)
    if plot:
        result.figure = _figure(result)
    return result


def _network(hidden: int | None, rng: np.random.Generator) -> tuple[list[nn.Module], list[Node],
                                                                     list[Node], list[Node], Node]:
    """The graph: pixel and target leaves (placeholder batches of 1), the layers, the loss."""
    if hidden is not None and (isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 1):
        raise InputError(f"hidden is the number of hidden units (a whole number >= 1) or None, "
                         f"got {hidden!r}")
    pixels = [Node(np.zeros(1), name=f"x{i + 1}") for i in range(64)]
    targets = [Node(np.zeros(1), name=f"t{k}") for k in CLASSES]
    layers: list[Any] = []
    if hidden is not None:
        layers += [nn.Linear(64, hidden, name="Hidden", rng=rng), nn.Sigmoid()]
    layers.append(nn.Linear(64 if hidden is None else hidden, 10, rng=rng))
    h: list[Node] = pixels
    for layer in layers:
        h = layer(h)
    probs = nn.Softmax()(h)
    loss = nn.Mean()(nn.CrossEntropy()(probs, targets))
    return layers, pixels, targets, probs, loss.named("L")


def _feed(pixels: list[Node], targets: list[Node], images: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    hot = one_hot(y)
    values: dict[str, Any] = {p.name: images[:, i] for i, p in enumerate(pixels) if p.name}
    values.update((t.name, hot[:, k]) for k, t in enumerate(targets) if t.name)
    return values


def _predict(graph: Graph, pixels: list[Node], targets: list[Node], probs: list[Node],
             images: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Class probabilities (samples × 10) of the trained network for ``images``."""
    graph.forward(**_feed(pixels, targets, images, y))
    return np.stack([p.value for p in probs], axis=1)


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """Counts: row = true class, column = predicted class.

    >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 0, 1]), 2).tolist()
    [[1, 0], [1, 1]]
    """
    out = np.zeros((classes, classes), dtype=int)
    np.add.at(out, (true, predicted), 1)
    return out


def _figure(result: TrainingResult) -> Any:
    """Loss per step, the confusion matrix, and up to 12 misclassified test digits."""
    from ..plot import subplots

    fig, (loss_ax, confusion_ax, wrong_ax) = subplots(3, size=(4.4, 4.0))
    history = np.asarray(result.history)
    loss_ax.plot(history, color="#93c5fd", linewidth=0.8, label="minibatch")
    window = max(1, len(history) // 25)
    smooth = np.convolve(history, np.ones(window) / window, mode="valid")
    loss_ax.plot(np.arange(window - 1, len(history)), smooth, color="#1d4ed8", label=f"mean of {window}")
    loss_ax.set(title="cross-entropy per step", xlabel="step", ylabel="loss")
    loss_ax.legend()
    plot_confusion(result.data["confusion"], ax=confusion_ax)
    confusion_ax.set_title(f"held-out accuracy {100 * (result.accuracy or 0.0):.1f}%")
    plot_misclassified(result.data, ax=wrong_ax)
    return fig


def plot_confusion(matrix: np.ndarray, ax: Any) -> Any:
    """The confusion matrix as a heat map with its counts written in."""
    ax.imshow(matrix, cmap="Blues")
    top = matrix.max()
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                    color="white" if count > top / 2 else "#1f2937")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true digit")
    return ax


def plot_misclassified(data: dict[str, Any], ax: Any, most: int = 12) -> Any:
    """Up to ``most`` misclassified test digits in a grid, each titled "true→predicted"."""
    wrong = np.flatnonzero(data["predicted"] != data["y_test"])[:most]
    cols, size = 6, 8
    rows, gap = max(1, -(-len(wrong) // cols)), 4
    sheet = np.full((rows * (size + gap), cols * (size + 1)), np.nan)
    ax.set_axis_off()
    for k, i in enumerate(wrong):
        r, c = divmod(k, cols)
        top, left = r * (size + gap) + gap - 1, c * (size + 1)
        sheet[top:top + size, left:left + size] = data["X_test"][i].reshape(size, size)
        ax.text(left + size / 2 - 0.5, top - 1.6, f"{data['y_test'][i]}→{data['predicted'][i]}",
                ha="center", va="center", fontsize=8, color="#b91c1c")
    ax.imshow(sheet, cmap="gray_r", vmin=0.0, vmax=1.0)
    ax.set_title(f"misclassified: {len(np.flatnonzero(data['predicted'] != data['y_test']))} "
                 f"of {len(data['y_test'])} (true→predicted)")
    return ax
