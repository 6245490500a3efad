# Two commands do all the set-up: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install -qq --disable-pip-version-check
OUT    := demo-output

.PHONY: demo test docs bench fuzz lint clean tutorials lab

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "scalargraph needs Python 3.10 or newer; run: make PYTHON=python3.12 ...")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e ".[test,docs]"
	@touch $@

$(VENV)/.installed-docs: $(VENV)/.installed
	$(PIP) -e ".[docs]"
	@touch $@

$(VENV)/.installed-lab: $(VENV)/.installed
	$(PIP) -e ".[lab]"
	@touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(PIP) -e ".[bench]"
	@touch $@

demo: $(VENV)/.installed
	$(BIN)/scalargraph demo --out $(OUT)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	@# no --quiet: mkdocs then drops its warnings before --strict counts them (exit 0)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	$(BIN)/python -m pytest -q

# The docs site (mkdocs.yml, docs/): site/index.html opens from disk, no server needed.
docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# JupyterLab (with the widgets and scikit-learn for the digits) in .venv, opened on tutorials/;
# the venv's bin comes first on PATH so that the notebooks' python3 kernel is the venv's Python.
lab: $(VENV)/.installed-lab
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --ServerApp.root_dir=tutorials

tutorials: $(VENV)/.installed-test
	$(BIN)/python tutorials/build.py

# The property, parser-fuzz and hardening tests (random trees, text, names from the whole of
# Unicode, batch shapes, interrupt points) with fresh random seeds and 20x the examples of
# `make test` (hypothesis profile `fuzz`, tests/conftest.py); failures are saved in
# .hypothesis/ and replayed first by the next run.
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q \
		tests/test_properties.py tests/test_parse_fuzz.py tests/test_hardening.py

# `make bench BASELINE=main` also times this tree against that commit, side by side.
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run.py $(if $(BASELINE),--baseline $(BASELINE))

clean:
	rm -rf $(VENV) $(OUT) *.egg-info site
