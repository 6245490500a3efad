"""The package's public names: all resolve, none is hidden by a submodule."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types
import warnings

import pytest

import scalargraph as sg

MOVED = {"nn": "learning.nn", "plot": "learning.plot", "examples": "learning.examples"}


def test_every_public_name_resolves_after_every_submodule_is_imported():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the old paths, tested below
        for info in pkgutil.walk_packages(sg.__path__, "scalargraph."):
            importlib.import_module(info.name)
    for name in sg.__all__:
        value = getattr(sg, name)
        assert not isinstance(value, types.ModuleType), f"sg.{name} is a module, not the public {name}"
    for name in ("quiz", "tape", "parse", "player", "stepper", "steps", "draw", "grad", "jvp", "cost"):
        assert callable(getattr(sg, name)), name


def test_subpackages_are_attributes():
    assert isinstance(sg.nn, types.ModuleType) and isinstance(sg.examples, types.ModuleType)
    assert isinstance(sg.plot, types.ModuleType)


def test_at_most_eight_modules_sit_directly_in_the_package():
    top = [info.name for info in pkgutil.iter_modules(sg.__path__) if not info.ispkg]
    assert len(top) + 1 <= 8, top  # + __init__.py


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_import_paths_warn_and_give_the_new_module(old):
    for name in [m for m in sys.modules if m == f"scalargraph.{old}" or m.startswith(f"scalargraph.{old}.")]:
        del sys.modules[name]
    with pytest.warns(DeprecationWarning, match=f"scalargraph.{old} moved to scalargraph.{MOVED[old]}"):
        module = importlib.import_module(f"scalargraph.{old}")
    assert module is importlib.import_module(f"scalargraph.{MOVED[old]}")
    assert getattr(sg, old) is module
