"""Debian's Chromium for the browser tests and benchmarks/bench_explore.py (driven by Playwright;
``playwright install`` is never run: it downloads a browser). See /work/shared/NOTES.md."""

from __future__ import annotations

import shutil

__all__ = ["CHROMIUM", "LAUNCH_ARGS"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Headless as root in a container, with no GPU and nothing fetched from the network.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run"]
