"""The old import path of :mod:`scalargraph.learning.plot`, kept for one release (0.2).

``sg.plot`` stays; ``import scalargraph.plot`` warns and gives the same module.
"""

import warnings

from ._moved import alias

warnings.warn(
    "scalargraph.plot moved to scalargraph.learning.plot; use sg.plot or import "
    "scalargraph.learning.plot (the old path goes in 0.3)",
    DeprecationWarning,
    stacklevel=2,
)
alias(__name__, "scalargraph.learning.plot")
