"""scalargraph: backpropagation on scalar computation graphs, number by number.

>>> import scalargraph as sg
>>> x, y = sg.Node(3.0, name="x"), sg.Node(-4.0, name="y")
>>> f = (x + sg.sigmoid(y)) / (sg.sigmoid(x) + (x + y) ** 2)
>>> f.value
1.5456448841066441
>>> f.backward()
>>> x.grad, y.grad
(2.0595697955721652, 1.5922327514838093)

The core (nodes, op table, graph, backward, gradcheck) is imported here; the
diagrams, stepper, plots and CLI are imported only when first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .checks.gradcheck import Check, GradcheckResult, gradcheck
from .checks.per_node import check_nodes
from .core.define import define_op, forget_op
from .core.functions import (
    CALLABLES,
    abs,
    cos,
    exp,
    heaviside,
    log,
    maximum,
    mean,
    minimum,
    relu,
    sigmoid,
    sign,
    sin,
    sqrt,
    sum,
    tanh,
)
from .core.graph import BackwardStats, Graph, topological_order
from .core.node import Constant, Group, Node, Param, group, is_param, set_display
from .core.ops import OPS, Op
from .core.schedule import Schedule, gradients
from .errors import (
    ArityError,
    BackwardError,
    BatchShapeError,
    ConversionError,
    DerivativeMismatchWarning,
    DomainError,
    InputError,
    MissingDependencyError,
    OperandTypeError,
    ParseError,
    RenderError,
    RenderWarning,
    ScalargraphError,
)
from .tracebacks import hints

if TYPE_CHECKING:  # the lazy names below, for type checkers and IDEs
    from .core.grad import grad  # noqa: F401
    from .core.jvp import jvp  # noqa: F401
    from .drawing.diagram import Diagram, draw  # noqa: F401
    from .learning import examples, nn, plot  # noqa: F401
    from .parsing.parser import parse  # noqa: F401
    from .teaching.exercise import exercise  # noqa: F401
    from .teaching.paths import backward_paths, cost  # noqa: F401
    from .teaching.player import Player, player, stepper  # noqa: F401
    from .teaching.quiz import quiz  # noqa: F401
    from .teaching.staged import staged_code  # noqa: F401
    from .teaching.steps import Step, steps  # noqa: F401
    from .teaching.tape import tape  # noqa: F401

__version__ = "0.1.0"

# Public names that live outside the core: name -> module, imported on first use,
# so that `import scalargraph` stays light.
_LAZY: dict[str, str] = {
    "draw": ".drawing.diagram", "Diagram": ".drawing.diagram",        # drawing
    "steps": ".teaching.steps", "Step": ".teaching.steps",             # teaching
    "player": ".teaching.player", "Player": ".teaching.player", "stepper": ".teaching.player",
    "quiz": ".teaching.quiz", "tape": ".teaching.tape", "staged_code": ".teaching.staged",
    "exercise": ".teaching.exercise",
    "backward_paths": ".teaching.paths", "cost": ".teaching.paths", "explore": ".teaching.explore",
    "jvp": ".core.jvp", "grad": ".core.grad",                           # core, less used
    "parse": ".parsing.parser",                                         # parsing
    "from_micrograd": ".bridges.micrograd", "from_torch": ".bridges.pytorch",  # bridges
    "compare": ".bridges.pytorch", "Comparison": ".bridges.pytorch",
}
# Subpackages reachable as attributes: sg.nn, sg.plot, sg.examples (they live in learning/).
# No subpackage is named like a public function (drawing/ holds draw): importing a
# submodule sets it as a package attribute, which would hide the function.
_SUBMODULES = {"nn": ".learning.nn", "plot": ".learning.plot", "examples": ".learning.examples"}

__all__ = [
    "Node", "Param", "is_param", "Constant", "Graph", "BackwardStats", "topological_order",
    "Schedule", "gradients",
    "group", "Group", "gradcheck", "GradcheckResult", "Check", "check_nodes", "OPS", "Op", "define_op",
    "forget_op",
    "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs",
    "maximum", "minimum", "heaviside", "sign", "sum", "mean",
    "ScalargraphError", "DomainError", "OperandTypeError", "ArityError", "InputError",
    "BatchShapeError", "BackwardError", "ParseError", "MissingDependencyError", "RenderError",
    "DerivativeMismatchWarning", "RenderWarning", "ConversionError", "hints", *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(_SUBMODULES[name], __name__)
    elif name in CALLABLES:  # your own op (sg.define_op): looked up anew, it may be redefined
        return CALLABLES[name]
    else:
        raise AttributeError(f"module 'scalargraph' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def _node_diagram(node: Node, include: Any = None, exclude: Any = None, **kwargs: Any) -> Any:
    """A Node in Jupyter: its diagram (the drawing subpackage is imported only here)."""
    from .drawing.diagram import draw

    try:
        return draw(node)._repr_mimebundle_(include, exclude, **kwargs)
    except ScalargraphError:  # no renderer installed: fall back to the text repr
        return {"text/plain": repr(node)}


set_display(_node_diagram)
hints()  # "Did you mean .relu()?" under a misspelled Node attribute's error (sg.hints(False): off)
