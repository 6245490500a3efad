"""Re-execute the tutorial notebooks and save them with their outputs, deterministically.

    .venv/bin/python tutorials/build.py                 # every tutorials/NN_*.ipynb and solutions/
    .venv/bin/python tutorials/build.py tutorials/01_chain_rule.ipynb

Each notebook runs top to bottom in a fresh kernel (working directory: a temporary
directory, so nothing a notebook writes lands in the repository). A cell that raises
stops the build with the cell's error. Volatile metadata (execution timestamps) is
not recorded, execution counts are sequential from 1, cell ids are kept, and a line
redrawn with carriage returns (a progress bar) is saved as it ends up on screen, so
re-building an unchanged notebook gives the same file, but for the seconds a progress
bar reports. tests/test_notebooks.py uses
`execute` from this file to run the notebooks as part of `make test`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

#: Keep the Graphviz Fontconfig line and kernel log noise out of the cell outputs
#: (see /work/shared/NOTES.md).
KERNEL_ARGS = ["--IPKernelApp.capture_fd_output=False", "--IPKernelApp.log_level=ERROR"]


def notebooks() -> list[Path]:
    """The tutorial notebooks, in order: tutorials/NN_*.ipynb."""
    return sorted(HERE.glob("[0-9][0-9]_*.ipynb"))


def solutions() -> list[Path]:
    """The solutions to the tutorials' exercises: tutorials/solutions/NN_*.ipynb."""
    return sorted((HERE / "solutions").glob("[0-9][0-9]_*.ipynb"))


def execute(nb: Any, cwd: str | Path, timeout: int = 600) -> Any:
    """Run every cell of ``nb`` (an nbformat v4 notebook) in a fresh python3 kernel.

    Raises ``nbclient.exceptions.CellExecutionError`` (with the cell's source and
    traceback) for the first cell that raises.
    """
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        kernel_name="python3",
        kernel_manager_class=this_python_kernel(),
        timeout=timeout,
        record_timing=False,
        force_raise_errors=True,
        extra_arguments=KERNEL_ARGS,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    clean(nb)
    return nb


def this_python_kernel() -> type:
    """A kernel manager that runs the python3 kernel with this very Python (the venv's).

    A ``python3`` kernelspec installed for the user (e.g. in ~/.local/share/jupyter)
    would otherwise take precedence and could start a Python without scalargraph.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            if self._kernel_spec is None:
                argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
                self._kernel_spec = KernelSpec(argv=argv, display_name="Python 3", language="python")
            return self._kernel_spec

    return ThisPythonKernelManager


def clean(nb: Any) -> Any:
    """Drop volatile metadata so that the saved file depends only on the outputs."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.metadata.pop("collapsed", None)
            cell.metadata.pop("scrolled", None)
            cell.outputs = coalesce_streams(cell.outputs)
            for out in cell.outputs:
                if out.output_type == "stream":
                    out.text = as_shown(out.text)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    return nb


def coalesce_streams(outputs: list[Any]) -> list[Any]:
    """Merge consecutive stdout (or stderr) outputs into one.

    How the kernel splits printed text into messages depends on timing (a busy
    machine splits ``print``'s text from its newline), so unmerged outputs would
    change from one run to the next.
    """
    merged: list[Any] = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (out.output_type == "stream" and last is not None and last.output_type == "stream"
                and last.name == out.name):
            last.text += out.text
        else:
            merged.append(out)
    return merged


def as_shown(text: str) -> str:
    """Stream text as a terminal or Jupyter shows it: of a line redrawn with ``\\r``, the last
    drawing (how many drawings a progress bar makes depends on the machine's speed).

    >>> as_shown("\\rstep 1/4 [#...]\\rstep 4/4 [####]\\nok\\n")
    'step 4/4 [####]\\nok\\n'
    """
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def build(path: Path) -> float:
    """Execute the notebook at ``path`` and save it in place with its outputs; returns seconds."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        execute(nb, tmp)
    seconds = time.perf_counter() - start
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or notebooks() + solutions()
    for path in paths:
        print(f"{path.name}: {build(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
