"""The package's public names: all resolve, none is hidden by a submodule."""

from __future__ import annotations

import importlib
import pkgutil
import types

import scalargraph as sg


def test_every_public_name_resolves_after_every_submodule_is_imported():
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
