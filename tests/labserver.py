"""A JupyterLab server on localhost, for tests/test_jupyterlab.py and benchmarks/bench_explore.py.

It listens on a free port with a fresh token, keeps its settings, workspaces, runtime and data
folders under a folder of the caller's (none of the user's), renders every cell (so that a
whole notebook can be checked) and fetches no news. The caller stops it with ``Lab.stop()``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SETTINGS", "Lab", "free_port", "start"]

#: Render every cell, not only those in view; fetch no news.
SETTINGS = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
            "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"}}


@dataclass
class Lab:
    """A running server: its process, ``url`` and ``token``, and the file its output goes to."""

    process: subprocess.Popen[bytes]
    url: str
    token: str
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(root: Path, base: Path, timeout: float = 90) -> Lab:
    """JupyterLab over the notebooks in ``root``, its folders and log in ``base``, answering.

    Raises RuntimeError, with the end of the server's log, if it exits or does not answer
    within ``timeout`` seconds (it is stopped then)."""
    settings = base / "settings"
    for name, values in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    port, token = free_port(), uuid.uuid4().hex
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "JUPYTER_DATA_DIR": str(base / "data"),
           "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    log = base / "server.log"
    with open(log, "wb") as out:  # the server keeps its own handle
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}",
             "--ServerApp.port_retries=0", "--LabApp.news_url=", "--allow-root"],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    lab = Lab(process, f"http://127.0.0.1:{port}", token, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{lab.url}/api/status?token={token}", timeout=2) as answer:
                if answer.status == 200:
                    return lab
        except OSError:
            time.sleep(0.3)
    lab.stop()
    raise RuntimeError(f"JupyterLab did not answer within {timeout} s: {log.read_text(errors='replace')[-2000:]}")
