"""The old import path of :mod:`scalargraph.learning.nn`, kept for one release (0.2).

``sg.nn`` stays; ``import scalargraph.nn`` warns and gives the same module.
"""

import warnings

from ._moved import alias

warnings.warn(
    "scalargraph.nn moved to scalargraph.learning.nn; use sg.nn or import "
    "scalargraph.learning.nn (the old path goes in 0.3)",
    DeprecationWarning,
    stacklevel=2,
)
alias(__name__, "scalargraph.learning.nn")
