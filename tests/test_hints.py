"""A misspelled Node attribute names the closest one: ``x.rleu()`` -> "Did you mean .relu()?".

The hint (``scalargraph/core/suggest.py``) is shown by hooks (``scalargraph/tracebacks.py``):
``sys.excepthook`` for scripts and the Python prompt, IPython's custom exception handler for
IPython and Jupyter. ``Node`` gets no ``__getattr__`` (it would slow every attribute read).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest

import scalargraph as sg
from scalargraph.core.suggest import attribute_hint, closest_name
from scalargraph.tracebacks import _excepthook


def error_of(code: str, **names: object) -> AttributeError:
    with pytest.raises(AttributeError) as info:
        exec(code, {"sg": sg, **names})
    return info.value


@pytest.mark.parametrize(("code", "right"), [
    ("x.rleu()", ".relu()"), ("x.tahn()", ".tanh()"), ("x.exq()", ".exp()"),
    ("x.sigmiod()", ".sigmoid()"), ("x.dat", ".data"), ("x.gard", ".grad"),
    ("x.backwrad()", ".backward()"), ("x.vaule", ".value"), ("getattr(x, 'rleu')", ".relu()"),
])
def test_a_misspelled_attribute_names_the_closest(code, right):
    x = sg.Node(0.5, name="x")
    err = error_of(code, x=x)
    hint = attribute_hint(err)
    assert hint is not None and f"Did you mean {right}?" in hint, hint
    assert hint.startswith(f"Node has no attribute {err.name!r}.")
    # Python 3.11's own suggestion misses the swapped letters (rleu, tahn, gard): the reason for this
    if code in ("x.rleu()", "x.tahn()", "x.gard") and sys.version_info[:2] == (3, 11):
        import traceback
        assert "Did you mean" not in "".join(traceback.format_exception_only(type(err), err))


def test_an_op_method_hint_lists_the_methods():
    hint = attribute_hint(error_of("x.rleu()", x=sg.Node(1.0)))
    assert hint is not None
    assert hint.endswith("(the op table's one-input functions, as methods: abs, cos, exp, log, "
                         "mean, relu, sigmoid, sign, sin, sqrt, sum, tanh)")


def test_no_hint_for_a_far_name_a_private_name_another_object_or_error():
    x = sg.Node(1.0)
    assert attribute_hint(error_of("x.zzzzzz", x=x)) is None
    assert attribute_hint(error_of("x._rleu", x=x)) is None
    assert attribute_hint(error_of("(1.0).rleu()")) is None  # not a Node
    assert attribute_hint(ValueError("rleu")) is None
    assert attribute_hint(AttributeError("no obj, no name")) is None
    assert closest_name("") is None and closest_name("relu") == "relu"


def test_params_and_your_own_ops_get_hints_too():
    p = sg.Param(1.0, name="w")
    assert "Did you mean .relu()?" in (attribute_hint(error_of("p.rleu()", p=p)) or "")
    sg.define_op("softplus_hint", forward=lambda x: x, derivatives=lambda x: 1.0)
    try:
        hint = attribute_hint(error_of("x.softplus_hnit()", x=sg.Node(1.0)))
        assert hint is not None and ".softplus_hint()" in hint and "softplus_hint, sqrt" in hint
    finally:
        sg.forget_op("softplus_hint")


def test_the_error_leaves_the_node_as_it_was():
    x = sg.Node(2.0, name="x")
    f = x * x
    f.backward()
    before = (x.value, x.grad, f.value, f.grad)
    err = error_of("x.rleu()", x=x)
    _ = attribute_hint(err)
    assert (x.value, x.grad, f.value, f.grad) == before == (2.0, 4.0, 4.0, 1.0)


def test_node_has_no_getattr():
    # The design constraint: a __getattr__ would stop CPython specialising every Node attribute read.
    assert "__getattr__" not in vars(sg.Node) and sg.Node.__getattribute__ is object.__getattribute__


def test_the_hook_is_installed_once_and_removed(capsys):
    assert sys.excepthook is _excepthook
    sg.hints()
    sg.hints()
    assert sys.excepthook is _excepthook  # not wrapped around itself
    try:
        sg.hints(False)
        assert sys.excepthook is not _excepthook
        err = error_of("x.rleu()", x=sg.Node(1.0))
        _excepthook(type(err), err, err.__traceback__)  # a hook left chained by another one: silent
        assert "relu" not in capsys.readouterr().err
    finally:
        sg.hints()
    assert sys.excepthook is _excepthook


def run(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)


def test_a_script_prints_the_hint_under_the_usual_traceback():
    done = run("import scalargraph as sg\nsg.Node(1.0).rleu()")
    assert done.returncode == 1
    err = done.stderr
    assert err.startswith("Traceback (most recent call last):")
    assert "AttributeError: 'Node' object has no attribute 'rleu'\n" in err
    assert err.rstrip().endswith("Node has no attribute 'rleu'. Did you mean .relu()? "
                                 "(the op table's one-input functions, as methods: abs, cos, exp, log, "
                                 "mean, relu, sigmoid, sign, sin, sqrt, sum, tanh)")


def test_a_script_chains_to_the_hook_that_was_there():
    done = run(textwrap.dedent("""
        import sys
        def mine(t, v, tb):
            print("MINE", getattr(v, "__notes__", None), file=sys.stderr)
        sys.excepthook = mine
        import scalargraph as sg
        sg.Node(1.0).tahn()
    """))
    assert done.stderr.startswith('MINE ["Node has no attribute \'tahn\'. Did you mean .tanh()?'), done.stderr
    off = run("import scalargraph as sg\nsg.hints(False)\nsg.Node(1.0).rleu()")
    assert "relu" not in off.stderr and "no attribute 'rleu'" in off.stderr


def test_import_does_not_import_ipython_or_difflib():
    done = run("import sys, scalargraph\nprint(sorted(m for m in ('IPython', 'difflib') if m in sys.modules))")
    assert done.stdout.strip() == "[]", done.stderr


IPYTHON = """
import sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_cell("import scalargraph as sg")
print("custom:", shell.custom_exceptions)
shell.run_cell("x = sg.Node(1.0, name='x')")
for cell in ["x.tahn()", "(1).foo", "x.value, x.grad", "sg.hints(False)", "(1).foo", "x.tahn()",
             "sg.hints()", "x.rleu()"]:
    print("=== " + cell, flush=True)
    result = shell.run_cell(cell)
    print(flush=True)
    print(repr(result.error_in_exec), flush=True)
print("custom:", shell.custom_exceptions)
shell.set_custom_exc((KeyError,), lambda *a, **k: None)  # someone else's handler, after ours
shell.run_cell("sg.hints(False)")
print("theirs kept:", shell.custom_exceptions)
"""


def test_ipython_shows_the_hint_and_other_errors_unchanged():
    pytest.importorskip("IPython")
    done = run(IPYTHON)
    out = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)  # no colours
    out = re.sub(r"In\[\d+\]", "In[n]", out)
    first, *cells = out.split("=== ")
    assert first.strip() == "custom: (<class 'AttributeError'>,)", done.stderr + out
    assert out.rstrip().endswith("custom: (<class 'AttributeError'>,)\ntheirs kept: (<class 'KeyError'>,)")
    shown = [c.split("\n", 1)[1] for c in cells]  # each cell's output, in the order above
    tahn = shown[0]
    assert "AttributeError: 'Node' object has no attribute 'tahn'\nNode has no attribute 'tahn'. " \
           "Did you mean .tanh()?" in tahn
    assert "Traceback (most recent call last)" in tahn
    assert tahn.rstrip().endswith("AttributeError(\"'Node' object has no attribute 'tahn'\")")
    assert "(1.0, None)" in shown[2]  # the error left the node as it was
    # another AttributeError: exactly as IPython shows it without the handler (hints off)
    assert shown[1] == shown[4] and "'int' object has no attribute 'foo'" in shown[1]
    assert "tanh" not in shown[5] and "'tahn'" in shown[5]  # hints(False)
    assert "Did you mean .relu()?" in shown[7]  # hints() again


def test_jupyter_shows_the_hint_in_the_cell_error():
    """A real kernel (ipykernel, as JupyterLab runs it): the error output of the cell."""
    pytest.importorskip("nbclient")
    import importlib.util
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    build_py = Path(__file__).resolve().parent.parent / "tutorials" / "build.py"
    spec = importlib.util.spec_from_file_location("tutorials_build_hints", build_py)
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    cells = ["import scalargraph as sg\nx = sg.Node(1.0, name='x')", "x.tahn()", "(1).foo", "x.value, x.grad"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, kernel_name="python3", kernel_manager_class=build.this_python_kernel(), timeout=120,
                   allow_errors=True, extra_arguments=build.KERNEL_ARGS).execute()
    tahn, foo = (nb.cells[i].outputs[0] for i in (1, 2))
    assert tahn.output_type == "error" and tahn.ename == "AttributeError"
    shown = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(tahn.traceback))
    assert "'Node' object has no attribute 'tahn'\nNode has no attribute 'tahn'. Did you mean .tanh()?" in shown
    assert foo.output_type == "error" and "Did you mean" not in "\n".join(foo.traceback)
    assert nb.cells[3].outputs[0].data["text/plain"] == "(1.0, None)"
