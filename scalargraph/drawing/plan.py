"""What a diagram shows: which nodes get a box, which operands are drawn inside their
consumer, which boxes a collapsed group or the size limit merges, and the numbers shown.

>>> import scalargraph as sg
>>> from scalargraph.core.graph import topological_order
>>> x, a = sg.Node(4.0, name="x"), sg.Param(1.0, name="a")
>>> order = topological_order((x * a + a).named("F"))
>>> plan = make_plan(order, attach=True)
>>> [n.name or n.op.name for n in plan.boxes], len(plan.attached)
(['x', 'mul', 'F'], 2)
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.graph import local_derivative
from ..core.labels import format_number, labels
from ..core.node import Constant, Group, Node
from ..errors import DomainError, InputError
from .escape import html_text

__all__ = ["COPY_ABOVE", "FOLD_AT", "Plan", "View", "add_copies", "assign_units", "chain",
           "collapsed_groups", "count_nodes", "drawn", "fold_sums", "highlights", "limit", "make_plan",
           "shown_grads"]


def highlights(items: Iterable[Any], order: list[Node]) -> set[Any]:
    """The highlighted nodes and (input, consumer) edges, checked against the graph."""
    members = set(order)
    marks: set[Any] = set()
    if isinstance(items, Node):
        items = [items]
    elif not isinstance(items, Iterable):
        raise InputError(f"highlight takes a list of Nodes and (input, consumer) pairs, got {items!r}")
    for item in items:
        if isinstance(item, Node):
            if item not in members:
                raise InputError(f"highlight: {item!r} is not part of the graph being drawn")
        elif (isinstance(item, tuple) and len(item) == 2 and all(isinstance(n, Node) for n in item)):
            if item[1] not in members or item[0] not in item[1].inputs:
                raise InputError(f"highlight: {item[0]!r} is not an input of {item[1]!r} in this graph; "
                                 "an edge is given as (input, consumer)")
        else:
            raise InputError(f"highlight takes Nodes and (input, consumer) pairs of Nodes, got {item!r}")
        marks.add(item)
    return marks


# ------------------------------------------------------------- what is shown
class View:
    """The numbers shown: from the mappings when given, else from the nodes."""

    def __init__(self, order: list[Node], values: Mapping[Node, Any] | None,
                 grads: Mapping[Node, Any] | None, digits: int, sample: int | None,
                 tangents: Mapping[Node, Any] | None) -> None:
        self.pos = {n: i for i, n in enumerate(order)}
        self.names = labels(order)  # distinct: nodes that share a name become c, c_2 ...
        self.values = values
        self.grads = grads
        self.tangents = tangents
        self.digits = digits
        self.sample = sample

    def value(self, node: Node) -> Any:
        if self.values is None or isinstance(node, Constant):
            return node.value
        return self.values.get(node)

    def grad(self, node: Node) -> Any:
        return node.grad if self.grads is None else self.grads.get(node)

    def label(self, node: Node) -> str:
        return self.names[node]

    def number(self, value: Any) -> str:
        """A shown number: ``digits`` significant digits; one sample or a summary of a batch."""
        if value is not None and value.__class__ is not float:
            import numpy as np

            arr = np.asarray(value)
            if arr.ndim == 0:  # a numpy scalar or an int
                return format_number(float(arr), self.digits)
            if self.sample is None:
                return format_number(arr, self.digits)
            if self.sample >= arr.shape[0]:
                raise InputError(f"sample {self.sample} is out of range: "
                                 f"the batch has {arr.shape[0]} samples")
            return f"{format_number(_as_float(arr[self.sample]), self.digits)} [sample {self.sample}]"
        return format_number(value, self.digits)

    def derivative(self, node: Node, k: int) -> Any:
        """d node / d input k at the shown values; None where a value is not known."""
        values = tuple(self.value(i) for i in node.inputs)
        out = self.value(node)
        if out is None or any(v is None for v in values) or node.op is None:
            return None
        try:
            return local_derivative(node.op, k, out, values)
        except DomainError:
            return None

    def contribution(self, node: Node, k: int) -> Any:
        """The gradient flowing along the edge into input k: ``grad(node) × d node/d input k``;
        None where either factor is not known."""
        upstream = self.grad(node)
        local = self.derivative(node, k)
        if upstream is None or local is None:
            return None
        return upstream * local


def _as_float(value: Any) -> Any:
    return float(value) if getattr(value, "ndim", 0) == 0 else value


def drawn(plan: Plan) -> set[Node]:
    """The nodes whose numbers appear: boxes drawn on their own and the parameters inside them."""
    shown = {n for n in plan.boxes if plan.units[n].startswith("n") and n not in plan.folded}
    return shown | {n.inputs[k] for n, k in plan.attached if n in shown}


def shown_grads(order: list[Node], view: View) -> dict[Node, Any]:
    return {n: view.grad(n) for n in order}


# ------------------------------------------------------------------ the plan
#: Sums of at least this many terms (a chain or tree of ``+``) are drawn as one Σ box
#: when ``fold`` is left to decide.
FOLD_AT = 6
#: A leaf whose edges would cross more than this many ranks in all is drawn once, plus a
#: small copy beside each far consumer (long edges are what makes Graphviz's layout slow).
COPY_ABOVE = 12


@dataclass
class Plan:
    """Which nodes get a box, which operands are drawn inside their consumer, and
    which box (``unit``) each node belongs to after folding sums, collapsing groups
    and the size limit.

    - ``folded``: each ``+`` node inside a Σ box, mapped to the Σ box's own node (the sum);
    - ``terms``: each Σ node's terms, in order;
    - ``copies``: the edges ``(consumer, input index)`` drawn from a small copy of a leaf
      rather than from the leaf's own box, with the copy's id.
    """

    order: list[Node]
    attached: set[tuple[Node, int]]
    boxes: list[Node]
    units: dict[Node, str] = field(default_factory=dict)
    unit_labels: dict[str, str] = field(default_factory=dict)
    unit_groups: dict[str, Group | None] = field(default_factory=dict)
    folded: dict[Node, Node] = field(default_factory=dict)
    terms: dict[Node, list[Node]] = field(default_factory=dict)
    copies: dict[tuple[Node, int], str] = field(default_factory=dict)

    def edges(self) -> Iterable[tuple[Node, int, Node]]:
        """Every drawn edge as ``(consumer, input index, input)``: operands drawn inside
        their consumer are not edges."""
        for node in self.boxes:
            for k, inp in enumerate(node.inputs):
                if (node, k) not in self.attached:
                    yield node, k, inp


def make_plan(order: list[Node], attach: bool) -> Plan:
    """Boxes and attached operands: with ``attach``, a parameter or constant operand of a
    binary op is drawn inside its consumer ("multiply by a")."""
    attached: set[tuple[Node, int]] = set()
    loose: set[Node] = {order[-1]}  # leaves that need a box of their own
    for node in order:
        inputs = node.inputs
        for k, inp in enumerate(inputs):
            if attach and len(inputs) == 2 and inp.kind in ("param", "constant"):
                attached.add((node, k))
            else:
                loose.add(inp)
    boxes = [n for n in order if n.op is not None or n in loose]
    plan = Plan(order, attached, boxes)
    plan.units = {n: f"n{i}" for i, n in enumerate(order) if n.op is not None or n in loose}
    return plan


def fold_sums(plan: Plan, fold: bool | None, keep: set[Any]) -> None:
    """Draw each tree of ``+`` nodes (unnamed, used once, in one group) as one Σ box.

    ``fold``: True folds every such sum of 3 or more terms, None those of ``FOLD_AT`` or
    more, False none. Nodes in ``keep`` (highlighted ones) stay boxes of their own.
    """
    if fold is False:
        return
    least = 3 if fold else FOLD_AT
    uses = Counter(i for n in plan.order for i in n.inputs)
    output = plan.order[-1]

    def inner(node: Node, root: Node) -> bool:
        return (node.op is not None and node.op.name == "add" and node.name is None
                and uses[node] == 1 and node is not output and node not in keep
                and node.group is root.group)

    claimed: set[Node] = set()
    for root in reversed(plan.order):
        if root in claimed or root.op is None or root.op.name != "add":
            continue
        members, terms = [root], []
        stack: list[tuple[Node, bool]] = [(root, True)]
        while stack:  # depth first, left to right: the terms in reading order
            node, member = stack.pop()
            if not member:
                terms.append(node)
                continue
            for k in (1, 0):
                inp = node.inputs[k]
                if (node, k) not in plan.attached:
                    stack.append((inp, inner(inp, root)))
                    if stack[-1][1]:
                        members.append(inp)
        if len(terms) + sum((m, k) in plan.attached for m in members for k in (0, 1)) < least:
            continue
        claimed.update(members)
        plan.terms[root] = terms
        for m in members[1:]:
            plan.folded[m] = root
            plan.units[m] = plan.units[root]


def collapsed_groups(order: list[Node], plan: Plan, collapse: Iterable[str]) -> dict[Node, Group]:
    """The outermost collapsed group of every boxed node inside one (the output keeps its
    own box, so collapsing every group still shows the result)."""
    if isinstance(collapse, str):
        collapse = [collapse]
    if not isinstance(collapse, Iterable) or not all(isinstance(w, str) for w in collapse):
        raise InputError(f"collapse takes a list of group names (or 'outer/inner' paths), got {collapse!r}")
    wanted = list(collapse)
    if not wanted:
        return {}
    matched: set[str] = set()
    found: dict[Node, Group] = {}
    for node in plan.boxes:
        for g in chain(node.group):
            names = {g.name, "/".join(g.path())} & set(wanted)
            if names:
                matched |= names
                if node is not order[-1]:
                    found[node] = g
                break
    missing = [w for w in wanted if w not in matched]
    if missing:
        known = sorted({"/".join(g.path()) for n in order for g in chain(n.group)})
        raise InputError(f"collapse: no group named {', '.join(map(repr, missing))} in this graph; "
                         f"groups: {', '.join(known) or '(none: make one with `with sg.group(name):`)'}")
    return found


def chain(group: Group | None) -> list[Group]:
    """A group and its ancestors, outermost first."""
    found = []
    while group is not None:
        found.append(group)
        group = group.parent
    return found[::-1]


def assign_units(order: list[Node], plan: Plan, collapsed: dict[Node, Group]) -> dict[Node, str]:
    """Each boxed node's box: its own (``n<i>``), a Σ box's, or a collapsed group's (``g<i>``)."""
    group_ids: dict[Group, str] = {}
    units = dict(plan.units)
    for node in plan.boxes:
        g = collapsed.get(node)
        if g is None:
            if units[node] not in plan.unit_groups:
                plan.unit_groups[units[node]] = node.group
            continue
        if g not in group_ids:
            group_ids[g] = f"g{len(group_ids)}"
            plan.unit_groups[group_ids[g]] = g.parent
        units[node] = group_ids[g]
    counts = Counter(units.values())
    for g, uid in group_ids.items():
        plan.unit_labels[uid] = f"<b>{html_text(g.name)}</b><br/>({count_nodes(counts[uid])}, collapsed)"
    return units


def limit(plan: Plan, max_nodes: int | None) -> None:
    """Keep the ``max_nodes`` boxes nearest the output; the rest become one box, with a warning."""
    last: dict[str, int] = {}
    for i, node in enumerate(plan.boxes):
        last[plan.units[node]] = i
    if max_nodes is None or len(last) <= max_nodes:
        return
    keep = set(sorted(last, key=last.__getitem__)[-max_nodes:])
    kept = {i for n in plan.boxes if plan.units[n] in keep for i in n.inputs}
    # a leaf feeding a kept box stays (drawn small beside each consumer if it feeds many):
    # behind the "… before these" box it would send a long edge to every rank
    keep |= {plan.units[n] for n in plan.boxes if n.op is None and n in kept}
    hidden = [n for n in plan.boxes if plan.units[n] not in keep]
    warnings.warn(_too_big(plan, len(last), max_nodes), UserWarning, stacklevel=3)
    for node in hidden:
        plan.units[node] = "more"
    plan.unit_labels["more"] = (f"… {count_nodes(len(hidden))} before these<br/>"
                                f"not drawn (max_nodes={max_nodes})")
    plan.unit_groups["more"] = None


def _too_big(plan: Plan, count: int, max_nodes: int) -> str:
    """The warning: which groups to collapse so that the picture fits (and shows them)."""
    members: dict[Group, set[str]] = {}
    for node in plan.boxes:
        if node is not plan.order[-1]:
            for g in chain(node.group)[:1]:
                members.setdefault(g, set()).add(plan.units[node])
    names = {g: "/".join(g.path()) for g in members}
    chosen: list[str] = []
    left = count
    for g in sorted(members, key=lambda g: (-len(members[g]), names[g])):
        if left <= max_nodes:
            break
        chosen.append(names[g])
        left -= len(members[g]) - 1
    if chosen and left <= max_nodes:
        how = f"collapse groups: sg.draw(out, collapse={chosen!r}) draws {left} boxes"
    elif chosen:
        how = (f"collapse groups (sg.draw(out, collapse={chosen!r}) still draws {left} boxes) "
               "and draw the inside of a group by itself")
    else:
        how = ("build parts of the graph inside `with sg.group('layer 1'):` and draw with "
               "sg.draw(out, collapse=['layer 1'])")
    return (f"draw: this graph has {count} boxes to draw, more than max_nodes={max_nodes}; drawing "
            f"the {max_nodes} nearest the output. To see all of it, {how}, or pass "
            f"max_nodes={count} (Graphviz layout slows down above about 1000 nodes).")


def add_copies(plan: Plan) -> None:
    """Draw a small copy of a leaf beside each far consumer when the leaf's edges would
    cross more than ``COPY_ABOVE`` ranks in all (a leaf used at every step of a long chain).

    Ranks are counted back from the output, each box as close to it as its consumers allow
    (as Graphviz places a node between its inputs and its consumers)."""
    depth: dict[str, int] = {}
    for node in reversed(plan.boxes):
        here = plan.units[node]
        d = depth.setdefault(here, 0)
        for k, inp in enumerate(node.inputs):
            tail = plan.units.get(inp)
            if tail is not None and tail != here and (node, k) not in plan.attached:
                depth[tail] = max(depth.get(tail, 0), d + 1)
    uses: dict[Node, list[tuple[Node, int]]] = {}
    for node, k, inp in plan.edges():
        if inp.op is None and plan.units.get(inp, "").startswith("n") and plan.units[node] != "more":
            uses.setdefault(inp, []).append((node, k))
    for leaf, edges in uses.items():
        near = max(depth[plan.units[n]] for n, _ in edges)
        if sum(near - depth[plan.units[n]] for n, _ in edges) <= COPY_ABOVE:
            continue
        for node, k in edges:
            if depth[plan.units[node]] < near - 1:
                plan.copies[(node, k)] = f"c{plan.units[leaf][1:]}_{plan.units[node][1:]}_{k}"


def count_nodes(count: int) -> str:
    """``1 node``, ``2 nodes``."""
    return f"{count} node" if count == 1 else f"{count} nodes"
