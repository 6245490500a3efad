"""sg.nn: neurons, layers, MLPs, the layer-table blocks, losses, SGD and fit.

Expected numbers come from numpy written out by hand (matrix forms of the same
networks, softmax and its Jacobian, closed-form gradient descent) or from central
differences (sg.gradcheck).
"""

from __future__ import annotations

import io

import numpy as np
import pytest

import scalargraph as sg
from scalargraph import nn


def _weights(model):
    """The MLP's parameters as numpy matrices W (out × in) and vectors b, layer by layer."""
    return [(np.array([[w.value for w in n.w] for n in layer.neurons]),
             np.array([n.b.value for n in layer.neurons])) for layer in model.layers]


def _numpy_mlp(model, data):
    """The same network as matrix products: relu on hidden layers, linear output."""
    h = data
    layers = _weights(model)
    for i, (W, b) in enumerate(layers):
        h = h @ W.T + b
        if i < len(layers) - 1:
            h = np.maximum(h, 0.0)
    return h


def _data(n=7, seed=3):
    return np.random.default_rng(seed).normal(size=(n, 2))


# ------------------------------------------------------------- structure and names
def test_parameters_have_unique_layer_neuron_weight_names():
    model = nn.MLP(2, [16, 16, 1], rng=0)
    names = [p.name for p in model.parameters()]
    assert len(names) == len(set(names)) == (2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1 == 337
    assert names[:3] == ["L1.n1.w1", "L1.n1.w2", "L1.n1.b"]
    assert "L2.n3.w16" in names and names[-1] == "L3.n1.b"
    assert all(sg.is_param(p) for p in model.parameters())


def test_each_layer_is_a_group_so_diagrams_cluster_by_layer():
    model = nn.MLP(2, [3, 2], rng=0)
    x1, x2 = sg.Node(0.5, name="x1"), sg.Node(-1.0, name="x2")
    outs = model([x1, x2])
    groups = {n.group.name for n in sg.Graph(outs[0]).nodes if n.op is not None}
    assert groups == {"L1", "L2"}
    assert x1.group is None and model.parameters()[0].group is None


def test_the_same_seed_gives_the_same_network_and_another_seed_does_not():
    values = lambda m: [p.value for p in m.parameters()]
    assert values(nn.MLP(2, [4, 1], rng=5)) == values(nn.MLP(2, [4, 1], rng=5))
    assert values(nn.MLP(2, [4, 1], rng=5)) != values(nn.MLP(2, [4, 1], rng=6))


def test_a_graph_of_the_whole_network_accepts_the_unique_names():
    model = nn.MLP(2, [4, 4, 1], rng=0)
    g = sg.Graph(model([sg.Node(1.0, name="x1"), sg.Node(2.0, name="x2")]))
    assert len(g.params) == len(model.parameters())


# ------------------------------------------------------------------- forward
def test_neuron_computes_the_activation_of_the_weighted_sum():
    n = nn.Neuron(3, activation="tanh", name="n", rng=1)
    x = [0.5, -1.5, 2.0]
    expected = np.tanh(np.dot([w.value for w in n.w], x) + n.b.value)
    assert n(x).value == pytest.approx(expected, rel=1e-15)
    assert [p.name for p in n.parameters()] == ["n.w1", "n.w2", "n.w3", "n.b"]


def test_mlp_on_a_batch_matches_numpy_matrix_products_and_per_sample_calls():
    model = nn.MLP(2, [5, 4, 1], rng=2)
    X = _data()
    batch = model(X).value
    assert np.allclose(batch, _numpy_mlp(model, X)[:, 0], rtol=1e-12, atol=1e-14)
    for i, row in enumerate(X):
        assert model(list(row)).value == pytest.approx(batch[i], rel=1e-12, abs=1e-14)


def test_a_model_takes_floats_nodes_numpy_batches_or_a_2d_array():
    model = nn.MLP(2, [3, 2], rng=0)
    X = _data(4)
    reference = np.stack([o.value for o in model(X)])
    as_columns = np.stack([o.value for o in model([X[:, 0], X[:, 1]])])
    as_nodes = np.stack([o.value for o in model([sg.Node(X[:, 0]), sg.Node(X[:, 1])])])
    assert np.array_equal(reference, as_columns) and np.array_equal(reference, as_nodes)
    one = model(np.array([X[0, 0], X[0, 1]]))  # a 1-D array: one sample
    assert [o.value for o in one] == pytest.approx(reference[:, 0].tolist(), rel=1e-12)


def test_a_wrong_number_of_inputs_is_a_clear_error():
    model = nn.MLP(2, [3, 1], rng=0)
    with pytest.raises(sg.InputError, match="this model takes 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(sg.InputError, match=r"pass \[xs\]"):
        nn.MLP(1, [2, 1])(np.arange(5.0))
    with pytest.raises(sg.InputError, match="unknown activation 'gelu'; choose one of: relu, tanh, sigmoid"):
        nn.Neuron(2, activation="gelu")


def test_zero_grad_clears_to_not_computed():
    model = nn.MLP(2, [3, 1], rng=0)
    model([1.0, 2.0]).backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_gradients_of_an_mlp_loss_pass_gradcheck():
    model = nn.MLP(2, [4, 3, 1], activation="tanh", rng=4)
    X, t = _data(5), np.linspace(-1, 1, 5)
    result = sg.gradcheck(nn.mse(model(X), t))
    assert result.ok, str(result)
    assert len(result) == 2 + len(model.parameters())  # two batch inputs and every weight


# -------------------------------------------------------------------- losses
def test_mse_and_hinge_match_numpy_for_batches_and_per_sample_lists():
    pred = np.array([0.3, -1.2, 2.0, 0.9])
    target = np.array([0.0, -1.0, 1.5, 2.0])
    labels = np.array([1.0, -1.0, 1.0, -1.0])
    assert nn.mse(sg.Node(pred), target).value == pytest.approx(np.mean((pred - target) ** 2), rel=1e-15)
    per_sample = nn.mse([sg.Node(v) for v in pred], target).value
    assert per_sample == pytest.approx(np.mean((pred - target) ** 2), rel=1e-15)
    hinge = np.mean(np.maximum(0, 1 - labels * pred))
    assert nn.hinge(sg.Node(pred), labels).value == pytest.approx(hinge, rel=1e-15)
    assert nn.hinge([sg.Node(v) for v in pred], labels).value == pytest.approx(hinge, rel=1e-15)
    with pytest.raises(sg.InputError, match="labels -1 or \\+1"):
        nn.hinge(sg.Node(pred), np.array([0.0, 1.0, 1.0, 0.0]))


def _softmax(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def test_softmax_cross_entropy_value_and_gradient_match_the_formulas():
    Z = np.array([[2.0, -1.0, 0.5, 3.0], [0.1, 0.2, -2.0, 3.0], [-1.0, 4.0, 0.0, 2.9]])  # classes × samples
    labels = np.array([0, 1, 2, 2])
    logits = [sg.Node(row, name=f"z{k}") for k, row in enumerate(Z)]
    loss = nn.softmax_cross_entropy(logits, labels)
    P = _softmax(Z)
    assert loss.value == pytest.approx(-np.mean(np.log(P[labels, np.arange(4)])), rel=1e-14)
    loss.backward()
    onehot = np.eye(3)[:, labels]
    for k in range(3):  # dL/dz = (softmax - onehot) / N
        assert np.allclose(logits[k].grad, (P[k] - onehot[k]) / 4, rtol=1e-12, atol=1e-15)


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    logits = [sg.Node(1000.0), sg.Node(-1000.0), sg.Node(999.0)]
    loss = nn.softmax_cross_entropy(logits, 2)
    # -log softmax_2 = log(e^1 + e^-2000 + 1) exactly enough in float
    assert loss.value == pytest.approx(np.log1p(np.e), rel=1e-14)
    loss.backward()
    assert logits[0].grad == pytest.approx(np.e / (1 + np.e), rel=1e-12)


def test_softmax_cross_entropy_per_sample_lists_equal_the_batch():
    Z = np.array([[1.0, -0.5], [0.3, 2.0], [-1.0, 0.0]])
    labels = [2, 1]
    batch = nn.softmax_cross_entropy([sg.Node(r) for r in Z], np.array(labels)).value
    lists = nn.softmax_cross_entropy([[sg.Node(v) for v in Z[:, i]] for i in range(2)], labels).value
    assert lists == pytest.approx(batch, rel=1e-14)
    with pytest.raises(sg.InputError, match="class labels must be in 0..2"):
        nn.softmax_cross_entropy([sg.Node(r) for r in Z], np.array([0, 3]))
    with pytest.raises(sg.InputError, match="cannot be a Node"):  # a fed Node would be read once only
        nn.softmax_cross_entropy([sg.Node(r) for r in Z], sg.Node(np.array([2.0, 1.0]), name="y"))


# ---------------------------------------------------------- the layer table
def test_linear_is_wx_plus_b_and_passes_gradcheck():
    layer = nn.Linear(3, 2, rng=0)
    x = [sg.Node(v, name=f"x{i}") for i, v in enumerate([0.5, -1.0, 2.0])]
    y = layer(x)
    W = np.array([[w.value for w in row] for row in layer.W])
    b = np.array([p.value for p in layer.b])
    assert [v.value for v in y] == pytest.approx((W @ [0.5, -1.0, 2.0] + b).tolist(), rel=1e-15)
    assert {n.group.name for n in y} == {"Linear"} and layer.W[1][2].name == "Linear.W2_3"
    out = y[0] * 2.0 + y[1] * -3.0
    assert sg.gradcheck(out).ok
    out.backward()  # dL/dW_ji = dL/dy_j · x_i
    assert layer.W[1][2].grad == pytest.approx(-3.0 * 2.0) and layer.b[0].grad == 2.0


def test_sigmoid_block_derivative_is_y_times_one_minus_y():
    x = [sg.Node(v) for v in (-2.0, 0.0, 1.5)]
    y = nn.Sigmoid()(x)
    out = y[0] + y[1] + y[2]
    assert sg.gradcheck(out).ok
    out.backward()
    for xi, yi in zip(x, y):
        assert xi.grad == pytest.approx(yi.value * (1 - yi.value), rel=1e-14)


def test_softmax_block_jacobian_is_y_i_times_delta_minus_y_j():
    z = np.array([0.2, -1.3, 2.1])
    x = [sg.Node(v) for v in z]
    p = nn.Softmax()(x)
    expected = _softmax(z)
    assert [q.value for q in p] == pytest.approx(expected.tolist(), rel=1e-14)
    for i in range(3):
        p[i].backward()
        for j in range(3):
            jac = expected[i] * ((i == j) - expected[j])
            assert x[j].grad == pytest.approx(jac, rel=1e-12, abs=1e-15)
        assert sg.gradcheck(p[i]).ok


def test_cross_entropy_block_with_labels_or_target_probabilities():
    p = [sg.Node(v) for v in (0.2, 0.5, 0.3)]
    loss = nn.CrossEntropy()(p, 1)
    assert loss.value == pytest.approx(-np.log(0.5)) and loss.group.name == "CrossEntropy"
    soft = nn.CrossEntropy()(p, [0.1, 0.6, 0.3])
    assert soft.value == pytest.approx(-(0.1 * np.log(0.2) + 0.6 * np.log(0.5) + 0.3 * np.log(0.3)))
    assert sg.gradcheck(soft).ok
    soft.backward()  # dL/dp_i = -t_i / p_i
    assert [q.grad for q in p] == pytest.approx([-0.5, -1.2, -1.0])


def test_mean_block_averages_a_batch_or_a_list():
    batch = sg.Node(np.array([1.0, 2.0, 6.0]), name="L")
    m = nn.Mean()(batch)
    assert m.value == 3.0 and m.group.name == "Mean"
    m.backward()
    assert batch.grad.tolist() == pytest.approx([1 / 3] * 3)
    items = [sg.Node(1.0), sg.Node(2.0), sg.Node(6.0)]
    assert nn.Mean()(items).value == 3.0 and sg.gradcheck(nn.Mean()(items)).ok


def test_the_table_blocks_chained_equal_softmax_cross_entropy():
    X = _data(6, seed=8)
    labels = np.array([0, 2, 1, 1, 0, 2])
    layer = nn.Linear(2, 3, rng=1)
    chained = nn.Mean()(nn.CrossEntropy()(nn.Softmax()(layer(X)), labels))
    chained.backward()
    grads = [p.grad for p in layer.parameters()]
    fused = nn.softmax_cross_entropy(layer(X), labels)
    fused.backward()
    assert chained.value == pytest.approx(fused.value, rel=1e-13)
    assert grads == pytest.approx([p.grad for p in layer.parameters()], rel=1e-10, abs=1e-14)
    assert sg.gradcheck(chained).ok


# -------------------------------------------------------------- SGD and fit
def test_sgd_step_with_momentum_and_weight_decay_follows_the_formula():
    a, b = sg.Param(1.0, name="a"), sg.Param(-2.0, name="b")
    opt = nn.SGD([a, b], lr=0.1, momentum=0.5, weight_decay=0.01)
    a.grad = 3.0  # b.grad stays None: not reached, not moved
    opt.step()
    v1 = -0.1 * (3.0 + 0.01 * 1.0)
    assert a.value == pytest.approx(1.0 + v1, rel=1e-15) and b.value == -2.0
    a.grad = 3.0
    opt.step()
    assert a.value == pytest.approx(1.0 + v1 + (0.5 * v1 - 0.1 * (3.0 + 0.01 * (1.0 + v1))), rel=1e-15)


def test_fit_follows_closed_form_gradient_descent():
    # F[a] = x·a² + a, x = 4: a_k = -1/8 + (a_0 + 1/8)(1 - 2·x·lr)^k
    x, a = sg.Node(4.0, name="x"), sg.Param(1.0, name="a")
    F = x * a * a + a
    trail = []
    history = nn.fit(F, steps=30, lr=0.05, progress=False, callback=lambda k, v: trail.append(a.value))
    for k, value in enumerate(trail):
        assert value == pytest.approx(-0.125 + 1.125 * 0.6 ** (k + 1), rel=1e-12, abs=1e-15)
    assert history[0] == 5.0 and F.value == pytest.approx(4 * a.value ** 2 + a.value)
    assert len(history) == 30 and history == sorted(history, reverse=True)


def test_fit_by_rebuilding_each_step_gives_the_same_history():
    def setup():
        model = nn.MLP(2, [4, 1], rng=3)
        return model, _data(8), np.sign(np.linspace(-1, 1, 8) + 0.01)
    m1, X, y = setup()
    once = nn.fit(nn.hinge(m1(X), y), steps=15, lr=0.2, progress=False)
    m2, X, y = setup()
    rebuilt = nn.fit(lambda: nn.hinge(m2(X), y), steps=15, lr=0.2, progress=False)
    assert once == rebuilt
    assert [p.value for p in m1.parameters()] == [p.value for p in m2.parameters()]


def test_fit_feeds_minibatches_through_named_leaves():
    xs = np.linspace(-1, 1, 8)
    w = sg.Param(0.0, name="w")
    x, t = sg.Node(xs[:4], name="x"), sg.Node(3 * xs[:4], name="t")
    batches = [(xs[:4], 3 * xs[:4]), (xs[4:], 3 * xs[4:])]
    history = nn.fit(nn.mse(w * x, t), steps=40, lr=0.5, progress=False,
                     feed=lambda k: dict(zip(("x", "t"), batches[k % 2])))
    assert w.value == pytest.approx(3.0, rel=1e-6) and history[-1] < 1e-10


def test_fit_lr_schedule_and_progress_bar():
    a = sg.Param(1.0, name="a")
    rates = []
    out = io.StringIO()
    opt = nn.SGD([a], lr=0.0)
    nn.fit(a * a, steps=5, lr=lambda k: rates.append(0.1 * (k + 1)) or rates[-1], optimizer=opt, progress=out)
    assert rates == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5]) and opt.lr == pytest.approx(0.5)
    text = out.getvalue()
    assert text.endswith("\n") and "step 5/5 [" in text and "loss" in text


def test_fit_refuses_a_batch_loss_and_bad_steps():
    x = sg.Node(np.array([1.0, 2.0]), name="x")
    a = sg.Param(1.0, name="a")
    with pytest.raises(sg.InputError, match=r"sg.mean\(...\)"):
        nn.fit(a * x, steps=1, progress=False)
    with pytest.raises(sg.InputError, match="steps must be"):
        nn.fit(a * a, steps=-1)
    assert a.value == 1.0


def test_progress_bar_pads_a_shorter_line_so_nothing_of_the_last_one_remains():
    out = io.StringIO()
    bar = nn.ProgressBar(3, stream=out, width=3, interval=0.0)
    for step, loss in enumerate([0.123456, 2.0, 1.5], start=1):
        bar.update(step, loss)
    frames = out.getvalue().split("\r")[1:]
    assert [len(f) for f in frames] == [len(frames[0])] * 3
    assert frames[1].rstrip().startswith("step 2/3 [##.] loss 2  ")


def test_sanity_checks_pass_and_catch_a_wrong_derivative():
    from scalargraph.core import ops

    results = nn.sanity_checks()
    assert list(results) == ["Linear", "Sigmoid", "Softmax", "CrossEntropy", "Mean"]
    assert all(r.ok and r.max_rel_error < 1e-6 for r in results.values())
    assert len(results["Linear"]) == 3 + 2 * 3 + 2  # inputs, weights, biases
    right = ops.OPS["sigmoid"].derivatives
    object.__setattr__(ops.OPS["sigmoid"], "derivatives", (lambda m, o, a: 2 * right[0](m, o, a),))
    try:
        broken = nn.sanity_checks()
    finally:
        object.__setattr__(ops.OPS["sigmoid"], "derivatives", right)
    assert not broken["Sigmoid"].ok and broken["Linear"].ok and broken["Softmax"].ok
