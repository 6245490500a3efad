"""Core engine speed and memory, side by side with micrograd (and PyTorch when installed).

1. micrograd's own workload: MLP(2, [16, 16, 1]) written with plain ops (each neuron
   ``w_1*x_1 + ... + w_n*x_n + b``, relu on hidden layers) over 100 points, squared error
   summed, one backward: graph building + backward, the same weights and data for every engine.
2. Bytes per op of a ``y = y * c`` chain (tracemalloc), c a number and c a node made once.

3. With ``SG_BASELINE=<commit>`` (``make bench BASELINE=main``): the MLP workload again,
   this tree against scalargraph at that commit, interleaved in one process.

Run alone: ``python benchmarks/bench_core.py`` (``SG_BASELINE=main python ...``).
"""

from __future__ import annotations

import itertools
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from baseline import baseline_ref, load
from common import allocated_bytes, best_of_each, main, row

import scalargraph as sg

__all__ = ["Engine", "engines", "mlp_loss", "rows"]

SIZES = (2, 16, 16, 1)
POINTS = 100
CHAIN = 100_000


@dataclass(frozen=True)
class Engine:
    """How one autodiff engine makes parameters and inputs, applies relu and runs backward."""

    name: str
    param: Callable[[float], Any]
    leaf: Callable[[float], Any]
    relu: Callable[[Any], Any]
    backward: Callable[[Any], None]
    grad: Callable[[Any], float]


def weights(seed: int = 0) -> list[list[tuple[list[float], float]]]:
    """Per layer, per neuron: (input weights, bias), uniform in [-1, 1]."""
    rng = random.Random(seed)
    return [[([rng.uniform(-1, 1) for _ in range(n_in)], rng.uniform(-1, 1)) for _ in range(n_out)]
            for n_in, n_out in itertools.pairwise(SIZES)]


def data(seed: int = 1) -> list[tuple[tuple[float, float], float]]:
    """100 points in [-2, 2]^2 labelled +-1 by a circle."""
    rng = random.Random(seed)
    points = [(rng.uniform(-2, 2), rng.uniform(-2, 2)) for _ in range(POINTS)]
    return [((a, b), 1.0 if a * a + b * b < 2 else -1.0) for a, b in points]


def mlp_loss(engine: Engine, params: list[list[tuple[list[Any], Any]]],
             points: list[tuple[tuple[float, float], float]]) -> Any:
    """Sum over the points of (MLP(x) - y)², written with plain ops only."""
    leaf, relu = engine.leaf, engine.relu
    last = len(params) - 1
    loss: Any = None
    for x, y in points:
        acts = [leaf(v) for v in x]
        for depth, layer in enumerate(params):
            outs = []
            for w, b in layer:
                act = w[0] * acts[0]
                for wi, xi in zip(w[1:], acts[1:]):
                    act = act + wi * xi
                act = act + b
                outs.append(act if depth == last else relu(act))
            acts = outs
        d = acts[0] - y
        loss = d * d if loss is None else loss + d * d
    return loss


def make_params(engine: Engine) -> list[list[tuple[list[Any], Any]]]:
    return [[([engine.param(v) for v in w], engine.param(b)) for w, b in layer] for layer in weights()]


def _scalargraph(package: Any = sg, name: str = "scalargraph") -> Engine:
    def backward(loss: Any) -> None:
        loss.backward()

    return Engine(name, package.Param, package.Node, package.relu, backward, lambda p: p.grad)


def baseline_rows(figure: str, ref: str, repeat: int = 15) -> list[dict[str, Any]]:
    """The MLP workload, this tree against scalargraph at commit ``ref``, interleaved in
    one process (``make bench BASELINE=main``): wall-clock and CPU time."""
    engines = {"scalargraph": _scalargraph(),
               "baseline": _scalargraph(load(ref), f"scalargraph at {ref}")}
    _check_same_workload(engines)
    name = engines["baseline"].name
    wall = time_mlp(engines, repeat=repeat)
    cpu = time_mlp(engines, repeat=repeat, clock=time.process_time)
    graphs = {key: sg_of(engine) for key, engine in engines.items()}
    forward = best_of_each({key: (g.forward, None) for key, g in graphs.items()}, repeat,
                           clock=time.process_time)
    return [row(f"{figure}, this tree vs {name}", wall["scalargraph"], wall["baseline"], name, "s",
                "<= 1.05x"),
            row("the same in CPU seconds", cpu["scalargraph"], cpu["baseline"], name, "s", "<= 1.05x"),
            row("Graph.forward() of that graph, CPU seconds", forward["scalargraph"], forward["baseline"],
                name, "s", "<= 1.05x")]


def sg_of(engine: Engine) -> Any:
    """The MLP loss built by ``engine``, as a Graph of the package that made its nodes."""
    loss = mlp_loss(engine, make_params(engine), data())
    package = sys.modules[type(loss).__module__.split(".")[0]]
    return package.Graph(loss)


def _micrograd() -> Engine | None:
    try:
        from micrograd.engine import Value
    except ImportError:
        return None
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))  # its topological sort recurses

    def backward(loss: Any) -> None:
        loss.backward()

    return Engine("micrograd 0.1.0", Value, Value, lambda v: v.relu(), backward, lambda p: p.grad)


def _torch() -> Engine | None:
    try:
        import torch
    except ImportError:
        return None

    def param(v: float) -> Any:
        return torch.tensor(v, dtype=torch.float64, requires_grad=True)

    def leaf(v: float) -> Any:
        return torch.tensor(v, dtype=torch.float64)

    def backward(loss: Any) -> None:
        loss.backward()

    return Engine(f"PyTorch {torch.__version__} (0-d float64)", param, leaf, torch.relu, backward,
                  lambda p: float(p.grad))


def engines() -> dict[str, Engine]:
    """scalargraph and micrograd (when installed). PyTorch is asked for separately, after
    these are timed: importing it adds some 150,000 objects that every later garbage
    collection walks, which would slow micrograd (mostly GC time) and scalargraph alike."""
    found = {"scalargraph": _scalargraph(), "micrograd": _micrograd()}
    return {key: engine for key, engine in found.items() if engine is not None}


def _check_same_workload(engines: dict[str, Engine]) -> None:
    """Every engine must compute the same loss gradient, or the comparison means nothing."""
    points = data()
    grads = {}
    for key, engine in engines.items():
        params = make_params(engine)
        engine.backward(mlp_loss(engine, params, points))
        grads[key] = [engine.grad(p) for layer in params for w, b in layer for p in (*w, b)]
    reference = grads["scalargraph"]
    for key, got in grads.items():
        if not all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(reference, got)):
            raise AssertionError(f"{key} gives different gradients from scalargraph on the MLP workload")


def time_mlp(engines: dict[str, Engine], repeat: int = 7, gc_off: bool = False,
             clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Best time per engine of building the MLP loss graph and running its backward pass
    (engines interleaved round by round; fresh parameters for every run, untimed)."""
    points = data()

    def runner(engine: Engine) -> tuple[Callable[..., Any], Callable[[], Any]]:
        def run(params: Any) -> Any:
            loss = mlp_loss(engine, params, points)
            engine.backward(loss)
            return loss

        return run, lambda: (make_params(engine),)

    runs = {key: runner(engine) for key, engine in engines.items()}
    return best_of_each(runs, repeat, gc_off, clock)


def graph_size() -> int:
    engine = _scalargraph()
    return len(sg.Graph(mlp_loss(engine, make_params(engine), data())))


def chain_bytes(engine: str, c_is_node: bool, n: int = CHAIN) -> float:
    """Bytes per op of ``y = y * c`` repeated n times, c a number or a node made once."""
    if engine == "scalargraph":
        make: Callable[[float], Any] = sg.Node
    else:
        from micrograd.engine import Value
        make = Value

    def build() -> Any:
        y = make(1.0)
        c = make(1.0) if c_is_node else 1.0
        for _ in range(n):
            y = y * c
        return y

    return allocated_bytes(build) / n


def rows() -> list[dict[str, Any]]:
    found = engines()
    _check_same_workload(found)
    figure = f"MLP(2,[16,16,1]) x {POINTS} points, build + backward ({graph_size():,} nodes)"
    out = []
    if "micrograd" in found:
        micrograd = found["micrograd"].name
        times = time_mlp(found)
        out.append(row(figure, times["scalargraph"], times["micrograd"], micrograd, "s", "<= 0.1x"))
        cpu = time_mlp(found, repeat=5, clock=time.process_time)
        cpu_figure = "the same in CPU seconds (process time: leaves out time other processes hold the cores)"
        out.append(row(cpu_figure, cpu["scalargraph"], cpu["micrograd"], micrograd, "s", "<= 0.1x"))
        off = time_mlp(found, repeat=5, gc_off=True)
        out.append(row("the same with the cyclic GC off during the run (its share)",
                       off["scalargraph"], off["micrograd"], micrograd, "s", "-"))
    else:
        times = time_mlp(found)
        out.append(row(figure, times["scalargraph"], None, "micrograd not installed: make bench", "s",
                       "<= 0.1x"))
    ref = baseline_ref()
    if ref is not None:
        out.extend(baseline_rows(figure, ref))
    for c_is_node, what in ((False, "c a number (a constant per op)"), (True, "c a node made once")):
        ours_b = chain_bytes("scalargraph", c_is_node)
        theirs = chain_bytes("micrograd", c_is_node) if "micrograd" in found else None
        out.append(row(f"bytes per op of y = y * c, {what}", ours_b, theirs, "micrograd 0.1.0", "B",
                       "<= 0.2x"))
    torch = _torch()  # imported last, see engines()
    if torch is None:
        out.append(row(figure, times["scalargraph"], None, "PyTorch not installed (optional)", "s",
                       "<= 0.3x"))
    else:
        pair = {"scalargraph": found["scalargraph"], "torch": torch}
        _check_same_workload(pair)
        times = time_mlp(pair)
        out.append(row(f"{figure}, PyTorch in the heap", times["scalargraph"], times["torch"],
                       torch.name, "s", "<= 0.3x"))
    return out


if __name__ == "__main__":
    main(rows)
