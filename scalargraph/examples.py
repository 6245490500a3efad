"""The old import path of :mod:`scalargraph.learning.examples`, kept for one release (0.2).

``sg.examples`` stays; ``import scalargraph.examples`` warns and gives the same module.
"""

import warnings

from ._moved import alias

warnings.warn(
    "scalargraph.examples moved to scalargraph.learning.examples; use sg.examples or import "
    "scalargraph.learning.examples (the old path goes in 0.3)",
    DeprecationWarning,
    stacklevel=2,
)
alias(__name__, "scalargraph.learning.examples")
