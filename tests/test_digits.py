"""The digits example (softmax regression on scikit-learn's 8x8 digits) and CrossEntropy with Node targets."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest

import scalargraph as sg
from scalargraph.learning.nn import CrossEntropy, Linear, Mean, Softmax

# The module, not the function of the same name that the package exports.
digits_module = importlib.import_module("scalargraph.learning.examples.digits")


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ------------------------------------------------------------ CrossEntropy with Node targets
def test_cross_entropy_takes_one_hot_targets_as_nodes() -> None:
    z = np.array([[1.0, -0.5, 0.2], [0.0, 2.0, -1.0], [0.3, 0.3, 0.9], [-2.0, 0.5, 1.5]])
    t = np.eye(3)[[0, 1, 2, 1]]
    logits = [sg.Node(z[:, k].copy(), name=f"z{k}") for k in range(3)]
    targets = [sg.Node(t[:, k].copy(), name=f"t{k}") for k in range(3)]
    loss = Mean()(CrossEntropy()(Softmax()(logits), targets))
    p = _softmax(z)
    assert loss.value == pytest.approx(-np.mean(np.log(p[np.arange(4), [0, 1, 2, 1]])), rel=1e-12)
    loss.backward()
    for k in range(3):  # d mean CE / d z_k = (p_k - t_k) / N, the textbook softmax gradient
        np.testing.assert_allclose(logits[k].grad, (p[:, k] - t[:, k]) / 4, rtol=1e-10, atol=1e-15)


def test_node_targets_are_fed_new_minibatches() -> None:
    z = np.array([[0.5, -0.5], [1.0, 0.0]])
    logits = [sg.Node(z[:, k].copy(), name=f"z{k}") for k in range(2)]
    targets = [sg.Node(np.array([1.0, 1.0]), name="t0"), sg.Node(np.array([0.0, 0.0]), name="t1")]
    graph = sg.Graph(Mean()(CrossEntropy()(Softmax()(logits), targets)))
    p = _softmax(z)
    assert graph.output.value == pytest.approx(-np.mean(np.log(p[:, 0])))
    # The other class for both samples: a target that was 0 when the loss was built still counts.
    assert graph.forward(t0=np.array([0.0, 0.0]), t1=np.array([1.0, 1.0])) == pytest.approx(
        -np.mean(np.log(p[:, 1])))


def test_a_single_node_as_class_labels_is_refused_with_the_fix() -> None:
    p = Softmax()([sg.Node(0.0), sg.Node(1.0)])
    with pytest.raises(sg.InputError, match="one Node per class"):
        CrossEntropy()(p, sg.Node(1.0, name="y"))


# ------------------------------------------------------------------------- the data
def test_the_data_split() -> None:
    pytest.importorskip("sklearn")
    data = digits_module.digits_data()
    assert data["X_train"].shape == (1348, 64) and data["X_test"].shape == (449, 64)
    assert data["X_train"].min() == 0.0 and data["X_train"].max() == 1.0
    assert sorted(set(data["y_test"].tolist())) == list(range(10))
    again = digits_module.digits_data()
    np.testing.assert_array_equal(again["y_test"], data["y_test"])  # the same split every time
    train_rows = {row.tobytes() for row in data["X_train"]}
    overlap = sum(row.tobytes() in train_rows for row in data["X_test"])
    assert overlap < 5  # the digits set has a few duplicate images, no more


def test_without_scikit_learn_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(sg.MissingDependencyError, match=r"pip install 'scalargraph\[digits\]'"):
        digits_module.digits_data()


def test_bad_arguments() -> None:
    with pytest.raises(sg.InputError, match="batch"):
        digits_module.digits(batch=0, plot=False, progress=False)
    with pytest.raises(sg.InputError, match="hidden"):
        digits_module.digits(hidden=0, plot=False, progress=False, epochs=1)


# ------------------------------------------------------------------- the gradients
def test_the_layer_table_gives_the_softmax_regression_gradient() -> None:
    """dL/dW_ji = mean_n (p_nj - t_nj) x_ni and dL/db_j = mean_n (p_nj - t_nj), on 5 images."""
    pytest.importorskip("sklearn")
    data = digits_module.digits_data()
    X, y = data["X_train"][:5], data["y_train"][:5]
    pixels = [sg.Node(X[:, i].copy(), name=f"x{i + 1}") for i in range(64)]
    hot = digits_module.one_hot(y)
    targets = [sg.Node(hot[:, k].copy(), name=f"t{k}") for k in range(10)]
    linear = Linear(64, 10, rng=3)
    loss = Mean()(CrossEntropy()(Softmax()(linear(pixels)), targets))
    loss.backward()
    W = np.array([[w.value for w in row] for row in linear.W])
    p = _softmax(X @ W.T)
    dW = (p - hot).T @ X / 5
    got = np.array([[w.grad for w in row] for row in linear.W])
    np.testing.assert_allclose(got, dW, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose([b.grad for b in linear.b], (p - hot).mean(axis=0), rtol=1e-9, atol=1e-13)


# ------------------------------------------------------------------------ training
@pytest.fixture(scope="module")
def trained() -> sg.examples.TrainingResult:
    pytest.importorskip("sklearn")
    return sg.examples.digits(progress=False)


def test_held_out_accuracy_is_at_least_90_percent(trained) -> None:
    data = trained.data
    assert trained.accuracy >= 0.90
    assert trained.accuracy == pytest.approx(np.mean(data["probabilities"].argmax(axis=1) == data["y_test"]))
    np.testing.assert_allclose(data["probabilities"].sum(axis=1), 1.0, rtol=1e-12)
    assert np.mean(trained.history[-20:]) < np.mean(trained.history[:20]) / 4


def test_the_confusion_matrix_counts_the_test_set(trained) -> None:
    matrix = trained.data["confusion"]
    y = trained.data["y_test"]
    assert matrix.sum() == len(y)
    assert matrix.sum(axis=1).tolist() == np.bincount(y, minlength=10).tolist()
    assert np.trace(matrix) / len(y) == pytest.approx(trained.accuracy)


def test_the_figure_shows_loss_confusion_and_misclassified_digits(trained) -> None:
    fig = trained.figure
    titles = [ax.get_title() for ax in fig.axes]
    wrong = int(np.sum(trained.data["predicted"] != trained.data["y_test"]))
    assert titles[0] == "cross-entropy per step"
    assert titles[1] == f"held-out accuracy {100 * trained.accuracy:.1f}%"
    assert titles[2].startswith(f"misclassified: {wrong} of {len(trained.data['y_test'])}")
    labels = [t.get_text() for t in fig.axes[2].texts]
    assert len(labels) == min(12, wrong) and all("→" in label for label in labels)


def test_fit_draws_its_progress_bar(capsys) -> None:
    pytest.importorskip("sklearn")
    result = sg.examples.digits(epochs=1, batch=674, plot=False, progress=True)
    assert len(result.history) == 2
    assert "step 2/2 [" in capsys.readouterr().err
