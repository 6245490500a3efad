"""Diagrams of a graph, in modules named by role.

- :mod:`.plan`: what to draw (boxes, attached operands, collapsed groups, the size limit,
  the numbers shown);
- :mod:`.dot`: the DOT writer (boxes as HTML-like tables, clusters, edges, legend);
- :mod:`.themes`: colours, fonts and shapes;
- :mod:`.render`: DOT text to SVG/PNG/PDF (in-process pygraphviz, else ``dot``);
- :mod:`.diagram`: the public :func:`draw` and :class:`Diagram`.
"""
