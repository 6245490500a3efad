"""Nodes and operators: values, types, numpy interop, and every user mistake's error."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

import scalargraph as sg


def test_fields_of_leaves_and_op_nodes():
    x = sg.Node(3, name="x")
    assert (x.value, x.grad, x.name, x.op, x.inputs) == (3.0, None, "x", None, ())
    y = sg.Node(2.0)
    f = x * y
    assert f.op is sg.OPS["mul"] and f.inputs == (x, y) and f.grad is None


@pytest.mark.parametrize("expr,value", [
    (lambda x: x + 2, 5.0), (lambda x: 2 + x, 5.0), (lambda x: x - 2, 1.0), (lambda x: 2 - x, -1.0),
    (lambda x: x * 2, 6.0), (lambda x: 2 * x, 6.0), (lambda x: x / 2, 1.5), (lambda x: 3 / x, 1.0),
    (lambda x: x ** 2, 9.0), (lambda x: 2 ** x, 8.0), (lambda x: x ** x, 27.0), (lambda x: -x, -3.0),
    (lambda x: abs(-x), 3.0), (lambda x: x * np.float64(2), 6.0), (lambda x: np.float32(2) * x, 6.0),
    (lambda x: np.int64(2) + x, 5.0),
])
def test_operators_with_numbers_on_either_side(expr, value):
    out = expr(sg.Node(3.0))
    assert isinstance(out, sg.Node) and out.value == value


def test_numpy_arrays_defer_to_node():
    x = sg.Node(3.0)
    for out in (np.array([1.0, 2.0]) * x, x * np.array([1.0, 2.0]), np.array([1.0, 2.0]) + x):
        assert isinstance(out, sg.Node), type(out)
    assert (np.array([1.0, 2.0]) * x).value.tolist() == [3.0, 6.0]


def test_constants_get_no_gradient_and_exponent_edges_need_no_log():
    x = sg.Node(-1.0)
    y = x ** 2  # negative base, constant exponent: fine
    y.backward()
    assert x.grad == -2.0 and y.inputs[1].grad is None and isinstance(y.inputs[1], sg.Constant)


def test_node_plus_string_names_both_types():
    with pytest.raises(TypeError, match="'Node' and 'str'"):
        sg.Node(3) + "a"
    with pytest.raises(sg.OperandTypeError, match="exp\\(\\): unsupported argument type 'str'"):
        sg.exp("a")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "3", None, [1.0, 2.0], True, 1 + 2j])
def test_bad_leaf_values_are_refused(bad):
    with pytest.raises((TypeError, ValueError), match="node value"):
        sg.Node(bad)


def test_nan_in_a_batch_is_refused():
    with pytest.raises(sg.InputError, match="NaN or inf"):
        sg.Node(np.array([1.0, np.nan]))


@pytest.mark.parametrize("make,fragment", [
    (lambda: sg.log(sg.Node(0.0)), "log: the input must be positive, got 0.0"),
    (lambda: sg.log(sg.Node(-2.0)), "log: the input must be positive, got -2.0"),
    (lambda: sg.Node(1.0) / sg.Node(0.0), "div: the denominator must not be 0, got 1.0, 0.0"),
    (lambda: 1 / sg.Node(0.0), "div: the denominator must not be 0"),
    (lambda: sg.sqrt(sg.Node(-1.0)), "sqrt: the input must be >= 0"),
    (lambda: sg.exp(sg.Node(1000.0)), "exp: the result must fit in a float"),
    (lambda: sg.Node(-8.0) ** 0.5, "pow: a \\*\\* b needs a > 0"),
    (lambda: sg.Node(0.0) ** -1, "pow: a \\*\\* b needs a > 0"),
])
def test_domain_errors_name_the_op_and_the_value(make, fragment):
    with pytest.raises(sg.DomainError, match=fragment):
        make()


def test_derivative_domain_error_leaves_gradients_as_they_were():
    x = sg.Node(0.0, name="x")
    y = sg.Node(2.0, name="y")
    f = sg.sqrt(x) + y  # forward fine at 0, derivative infinite
    (y * 3).backward()
    assert y.grad == 3.0
    with pytest.raises(sg.DomainError, match="sqrt \\(derivative for input 1\\)"):
        f.backward()
    assert (x.grad, y.grad, f.grad) == (None, 3.0, None)


def test_pow_with_node_exponent_and_negative_base_fails_in_backward_clearly():
    x, n = sg.Node(-2.0), sg.Node(2.0)
    f = x ** n
    assert f.value == 4.0
    with pytest.raises(sg.DomainError, match="derivative for input 2.*constant exponent"):
        f.backward()


def test_sigmoid_and_tanh_never_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for v in (-1000.0, 1000.0):
            for fn in (sg.sigmoid, sg.tanh):
                n = sg.Node(v)
                out = fn(n)
                out.backward()
                assert math.isfinite(out.value) and math.isfinite(n.grad)
        assert sg.sigmoid(sg.Node(-1000.0)).value == 0.0 and sg.sigmoid(sg.Node(1000.0)).value == 1.0
        batch = sg.sigmoid(sg.Node(np.array([-1000.0, 0.0, 1000.0]))).value
        assert batch.tolist() == [0.0, 0.5, 1.0]


def test_backward_twice_gives_the_same_numbers_no_accumulation():
    x, y = sg.Node(3.0), sg.Node(-4.0)
    f = x * y + x
    f.backward()
    first = (x.grad, y.grad)
    f.backward()
    assert (x.grad, y.grad) == first == (-3.0, 3.0)


def test_nodes_outside_the_graph_are_untouched():
    x, y = sg.Node(1.0), sg.Node(2.0)
    unrelated = y * 3
    unrelated.backward()
    (x * 2).backward()
    assert y.grad == 3.0 and unrelated.grad == 1.0


def test_grad_is_none_until_backward_reaches_the_node():
    x = sg.Node(2.0)
    f = x * 3
    assert x.grad is None and f.grad is None
    f.backward()
    assert x.grad == 3.0


def test_float_and_bool_and_comparison_give_helpful_errors():
    x = sg.Node(1.0)
    with pytest.raises(TypeError, match="sg.exp"):
        math.exp(x)
    with pytest.raises(TypeError, match="node.value"):
        bool(x)
    with pytest.raises(TypeError, match="x.value|a.value"):
        x < sg.Node(2.0)


def test_nodes_are_hashable_by_identity():
    x, y = sg.Node(1.0), sg.Node(1.0)
    assert len({x, y}) == 2 and x != y and x == x


def test_wrong_number_of_arguments():
    with pytest.raises(sg.ArityError, match=r"maximum\(\) takes 2 arguments \(x, y\), got 1"):
        sg.maximum(sg.Node(1.0))


def test_named_and_groups():
    with sg.group("outer") as outer:
        with sg.group("inner") as inner:
            h = (sg.Node(1.0) + 1).named("h")
        k = h * 2
    assert h.group is inner and inner.parent is outer and k.group is outer
    assert inner.path() == ("outer", "inner") and h.name == "h"
    with pytest.raises(sg.InputError):
        sg.group("")


def test_import_is_light():
    code = ("import sys, scalargraph; "
            "print(sorted(m for m in ('matplotlib', 'pygraphviz', 'graphviz', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_repr_shows_kind_value_and_grad():
    x = sg.Param(2.0, name="a")
    assert repr(x) == "Param('a', value=2.0, grad=None)"
    assert repr(x * 3) == "Node(mul, value=6.0, grad=None)"


def test_a_param_is_a_node_marked_trainable():
    """Params share Node's class (for CPython's attribute caches); kind and is_param tell
    them apart, through copies and pickles, and a bad value is refused as for any leaf."""
    import copy
    import pickle

    x, a = sg.Node(4.0, name="x"), sg.Param(0.5, name="a")
    f = x * a + 2
    assert sg.is_param(a) and isinstance(a, sg.Node) and type(a) is sg.Node
    assert not any(sg.is_param(n) for n in (x, f, f.inputs[1], 0.5, None, "a"))
    assert [n.kind for n in (x, a, f.inputs[1], f.inputs[0], f)] == ["input", "param", "constant", "op", "op"]
    assert sg.is_param(copy.deepcopy(a)) and pickle.loads(pickle.dumps(a)).kind == "param"
    with pytest.raises(TypeError):  # sg.Param is a factory: isinstance fails loudly, never silently
        isinstance(a, sg.Param)  # type: ignore[arg-type]
    g = sg.Graph(f)
    assert (g.inputs, g.params, len(g.constants)) == ((x,), (a,), 1)
    with pytest.raises(sg.InputError, match="finite"):
        sg.Param(float("nan"), name="b")
    with pytest.raises(TypeError, match="'Param' and 'str'"):
        a * "s"


def test_a_group_belongs_to_the_thread_that_opened_it():
    import threading

    barrier = threading.Barrier(2)
    seen: dict[str, object] = {}

    def other() -> None:
        barrier.wait()  # the main thread's group is open now
        seen["other"] = sg.Node(1.0).group
        with sg.group("theirs") as theirs:
            barrier.wait()
            seen["theirs"] = (sg.Node(2.0).group, theirs)
            barrier.wait()

    t = threading.Thread(target=other)
    t.start()
    with sg.group("mine") as mine:
        barrier.wait()
        barrier.wait()  # the other thread's group is open now
        assert sg.Node(3.0).group is mine
        barrier.wait()
    t.join()
    assert seen["other"] is None
    node_group, theirs = seen["theirs"]
    assert node_group is theirs and theirs.parent is None
    assert sg.Node(4.0).group is None


def test_leaving_a_group_restores_the_one_open_before_even_after_an_error():
    with sg.group("outer") as outer:
        with pytest.raises(ZeroDivisionError), sg.group("inner") as inner:
            assert sg.Node(1.0).group is inner and inner.parent is outer
            raise ZeroDivisionError
        assert sg.Node(2.0).group is outer
    assert sg.Node(3.0).group is None
