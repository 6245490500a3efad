"""Graphs from elsewhere: micrograd ``Value`` graphs and scalar PyTorch graphs as Nodes.

``sg.from_micrograd(value)`` and ``sg.from_torch(tensor)`` rebuild another library's
graph with the op table's ops, so that it can be drawn, stepped through and quizzed;
``sg.compare(tensor)`` shows scalargraph's gradients beside PyTorch's. Neither
library is imported until its function is called (torch stays optional).
"""

from __future__ import annotations

__all__: list[str] = []
