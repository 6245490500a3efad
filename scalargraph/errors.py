"""Every exception scalargraph raises, in one place.

Each class also derives from the built-in exception a Python user would expect
(``TypeError`` for a wrong type, ``ValueError`` for a bad value), so ordinary
``except ValueError`` code keeps working.

>>> import scalargraph as sg
>>> try:
...     sg.log(sg.Node(-1.0))
... except sg.DomainError as err:
...     print(err)
log: the input must be positive, got -1.0. Shift or clip the input first, e.g. log(x*x + 1e-12).
"""

from __future__ import annotations

__all__ = [
    "ArityError",
    "BackwardError",
    "BatchShapeError",
    "ConversionError",
    "DerivativeMismatchWarning",
    "DomainError",
    "InputError",
    "MissingDependencyError",
    "OperandTypeError",
    "ParseError",
    "RenderError",
    "RenderWarning",
    "ScalargraphError",
]


class ScalargraphError(Exception):
    """Base class of every error scalargraph raises on purpose."""


class DomainError(ScalargraphError, ValueError):
    """An op got a value outside its domain (log of 0, division by zero, overflow)."""


class OperandTypeError(ScalargraphError, TypeError):
    """An operand is not a Node or a number (e.g. ``Node + str``)."""


class ArityError(ScalargraphError, TypeError):
    """A function was called with the wrong number of arguments."""


class InputError(ScalargraphError, ValueError):
    """A bad leaf value or an unknown input name."""


class BatchShapeError(ScalargraphError, ValueError):
    """Two batches of samples that cannot be combined elementwise."""


class BackwardError(ScalargraphError, ValueError):
    """The reverse pass cannot start or cannot finish (e.g. a batch output)."""


class ParseError(ScalargraphError, ValueError):
    """An expression string that the parser does not accept."""


class ConversionError(ScalargraphError, ValueError):
    """A graph from another library (micrograd, PyTorch) that cannot be rebuilt as Nodes,
    e.g. an op the table has no counterpart for."""


class MissingDependencyError(ScalargraphError, ImportError):
    """An optional package is needed for this feature; the message says how to install it."""


class RenderError(ScalargraphError, RuntimeError):
    """A diagram could not be rendered or saved."""


class RenderWarning(UserWarning):
    """Graphviz drew the picture but reported a problem on the way (a label it could not
    read, a layout it had to give up on); the message is what Graphviz said."""


class DerivativeMismatchWarning(UserWarning):
    """An op's derivatives disagree with central differences of its forward function
    (``sg.define_op`` checks a few points when the op is defined)."""
