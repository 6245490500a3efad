"""Graphs from micrograd and PyTorch as Nodes: same values, same gradients as their own backward."""

from __future__ import annotations

import math
import warnings

import pytest

import scalargraph as sg
from scalargraph.core.define import forget_op


def _micrograd():
    return pytest.importorskip("micrograd.engine")  # the test extra installs micrograd==0.1.0


def _readme(Value):  # noqa: N803 - the micrograd README, on any Value class
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return a, b, g


def test_micrograd_package_graph_gives_micrograds_gradients():
    a, b, g = _readme(_micrograd().Value)
    g.backward()  # micrograd's own backward pass
    for _ in range(3):  # the set order of _prev must not matter: the same result every time
        f = sg.from_micrograd(g, names={a: "a", b: "b"})
        assert f.value == g.data
        assert sg.Graph(f).backward() == {"a": 138.83381924198252, "b": 645.5772594752186}
    # micrograd accumulates in the order of a set, which changes from run to run: its own
    # gradients agree with these to the last bit or two (645.5772594752187 in some runs).
    assert (a.grad, b.grad) == (pytest.approx(138.83381924198252, rel=1e-14),
                                pytest.approx(645.5772594752186, rel=1e-14))


def test_unnamed_leaves_become_inputs_or_constants():
    a, b, g = _readme(_micrograd().Value)
    g.backward()
    everything = sg.Graph(sg.from_micrograd(g))  # no names: every leaf an input x0, x1, ...
    assert everything.names[:2] == ["x0", "x1"]
    # the only constants are the exponents of b**3, e**2 and 10.0 / f = 10.0 * f**-1
    assert sorted(c.value for c in everything.constants) == [-1.0, 2.0, 3.0]
    grads = everything.backward()
    assert (grads["x0"], grads["x1"]) == (138.83381924198252, 645.5772594752186)
    assert (grads["x0"], grads["x1"]) == (pytest.approx(a.grad, rel=1e-14), pytest.approx(b.grad, rel=1e-14))
    named = sg.Graph(sg.from_micrograd(g, names={a: "a", b: "b"}))
    assert named.names == ["a", "b"] and len(named.constants) == 3 + len(everything.inputs) - 2
    constants = sg.Graph(sg.from_micrograd(g, unnamed="constant"))
    assert constants.inputs == () and constants.backward() == {}


class LectureValue:
    """The lecture's own class, as a learner writes it (label, tanh, exp, -, /)."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad, self.label = data, 0.0, label
        self._prev, self._op = set(_children), _op
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, LectureValue) else LectureValue(other)
        out = LectureValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, LectureValue) else LectureValue(other)
        out = LectureValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        out = LectureValue(self.data ** other, (self,), f"**{other}")

        def _backward():
            self.grad += other * self.data ** (other - 1) * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = LectureValue(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = LectureValue(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, seen = [], set()

        def build(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


def test_the_lectures_neuron_both_ways():
    V = LectureValue
    x1, x2, w1, w2 = V(2.0, label="x1"), V(0.0, label="x2"), V(-3.0, label="w1"), V(1.0, label="w2")
    b = V(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)  # tanh written out, as in the lecture
    o.label = "o"
    o.backward()
    f = sg.from_micrograd(o)
    assert f.name == "o" and f.value == pytest.approx(o.data, rel=1e-15)
    grads = sg.Graph(f).backward()
    assert set(grads) == {"x1", "x2", "w1", "w2", "b"}
    for leaf, value in [("x1", x1), ("x2", x2), ("w1", w1), ("w2", w2), ("b", b)]:
        assert grads[leaf] == pytest.approx(value.grad, rel=1e-12)
    assert grads["w1"] == pytest.approx(1.0, rel=1e-6)  # the lecture's 2·(1 − o²) = 2·0.5


def test_unknown_micrograd_op_is_named():
    a = LectureValue(0.5, label="a")
    odd = LectureValue(0.1, (a,), "softsign")
    with pytest.raises(sg.ConversionError, match=r"the op 'softsign' .* sg.define_op\('softsign'"):
        sg.from_micrograd(odd)
    with pytest.raises(sg.InputError, match="expected a micrograd Value"):
        sg.from_micrograd(3.0)


# ------------------------------------------------------------------ PyTorch
def _torch():
    return pytest.importorskip("torch")  # optional: pip install -e ".[torch]"


def test_torch_graph_gives_torchs_gradients():
    torch = _torch()
    x = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    f = (x + torch.sigmoid(y)) / (torch.sigmoid(x) + (x + y) ** 2)
    f.backward(retain_graph=True)  # torch's own pass, for reference
    node = sg.from_torch(f, names={"x": x, "y": y})
    assert node.value == f.item()
    grads = sg.Graph(node).backward()
    assert grads["x"] == pytest.approx(x.grad.item(), rel=1e-13)
    assert grads["y"] == pytest.approx(y.grad.item(), rel=1e-13)
    assert (grads["x"], grads["y"]) == (2.0595697955721652, 1.5922327514838093)  # the cs231n numbers


@pytest.mark.parametrize("expression", [
    lambda t, x, y: torch_ops(t, x, y)[0],
    lambda t, x, y: torch_ops(t, x, y)[1],
    lambda t, x, y: torch_ops(t, x, y)[2],
    lambda t, x, y: torch_ops(t, x, y)[3],
])
def test_compare_many_ops(expression):
    torch = _torch()
    x = torch.tensor(1.3, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(-0.7, dtype=torch.float64, requires_grad=True)
    result = sg.compare(expression(torch, x, y), names={x: "x", y: "y"})
    assert result.ok, str(result)
    assert [r.name for r in result.rows] == ["x", "y"] and x.grad is None  # torch's .grad untouched
    for row in result.rows:  # each against central differences too
        assert row.scalargraph == pytest.approx(_central(torch, expression, x, y, row.name), rel=1e-6)


def torch_ops(t, x, y):
    return [
        t.exp(x) * t.tanh(y) - t.log(x) + t.sqrt(x) / t.abs(y) + t.maximum(x, y) * t.minimum(x, y),
        x ** 3 + 2 ** y + x ** y.abs() - 2 / x + t.relu(y) + t.sin(x) * t.cos(y) - (-x),
        t.add(x, y, alpha=2.5) - 3 * x * y + (x * 0.5).sum() + t.sigmoid(x * y).mean(),
        t.exp(x + 1) * t.tanh(y - 0.5) - 2,  # numbers added: worked out from saved results
    ]


def _central(torch, expression, x, y, name, h=1e-6):
    def at(dx, dy):
        xs = torch.tensor(x.item() + dx, dtype=torch.float64)
        ys = torch.tensor(y.item() + dy, dtype=torch.float64)
        return expression(torch, xs.requires_grad_(), ys.requires_grad_()).item()
    if name == "x":
        return (at(h, 0) - at(-h, 0)) / (2 * h)
    return (at(0, h) - at(0, -h)) / (2 * h)


def test_torch_readme_example_and_its_lost_constants():
    torch = _torch()
    a, b, g = _readme(lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True))
    with pytest.warns(UserWarning, match="keeps no record of numbers added"):
        result = sg.compare(g, names={"a": a, "b": b})
    assert result.ok and (result["a"].torch, result["b"].torch) == (138.83381924198252, 645.5772594752186)
    assert result.node.value == 24.70408163265306


def test_torch_errors_name_the_problem():
    torch = _torch()
    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    with pytest.raises(sg.ConversionError, match=r"AtanBackward0 has no counterpart.*sg.define_op\('atan'"):
        sg.from_torch(torch.atan(x))
    with pytest.raises(sg.ConversionError, match=r"scalar graphs; the output is a tensor of shape \(2,\)"):
        sg.from_torch(torch.stack([x, x]) * 2)
    with pytest.raises(sg.ConversionError, match="no graph"):
        sg.from_torch(torch.tensor(1.0))


def test_torch_maps_your_own_op():
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("error", sg.DerivativeMismatchWarning)
        sg.define_op("softplus", lambda x: math.log1p(math.exp(x)), lambda x: 1 / (1 + math.exp(-x)))
    try:
        x = torch.tensor(0.25, dtype=torch.float64, requires_grad=True)
        result = sg.compare(torch.nn.functional.softplus(x) * x, names={"x": x})
        assert result.ok and result.node.inputs[0].op.name == "softplus"
    finally:
        forget_op("softplus")


def test_without_torch_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "torch", None)  # import torch now fails
    with pytest.raises(sg.MissingDependencyError, match=r"pip install torch==2.13.0"):
        sg.from_torch(object())
