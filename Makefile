# Every target bootstraps .venv from pyproject.toml first, so on a fresh machine
# `make book` and `make test` are the only set-up commands needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BOOK_FLAGS := --warningiserror --keep-going

.PHONY: help venv book test test-fast test-book lab links data release grade bench lint clean

help:
	@echo "make book       build the course website into _build/html (executes the notebooks)"
	@echo "make test       run the whole test suite"
	@echo "make test-fast  run the quick tests only (no notebooks, nbgrader or book build)"
	@echo "make test-book  build the website once and test it, also in headless chromium"
	@echo "make lab        open JupyterLab on the course"
	@echo "make links      write the notebooks' glossary terms and citations as links JupyterLab shows"
	@echo "make data       regenerate the synthetic data sets in data/"
	@echo "make release    regenerate the student versions in exercises/release/"
	@echo "make grade      autograde exercises/submitted/ in parallel, report in exercises/ (ASSIGNMENT=01_foundations)"
	@echo "make bench      run the benchmarks, check their budgets (ONLY=notebooks: one of them)"
	@echo "make lint       check code style with ruff"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[book,test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The execution cache keys each notebook on its own code only, but the outputs
# also depend on pmcourse and data/: when either changes, empty the cache so the
# website never shows figures made by older code.
BOOK_CACHE  := _build/.jupyter_cache
BOOK_INPUTS := $(shell find pmcourse data -type f -not -path '*/__pycache__/*' 2>/dev/null)

_build/.inputs-stamp: $(BOOK_INPUTS)
	rm -rf $(BOOK_CACHE)
	mkdir -p _build && touch $@

book: $(STAMP) _build/.inputs-stamp
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	@echo
	@echo "The course website is ready: $(CURDIR)/_build/html/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

# The website's tests: build checks and the browser tests (Debian's chromium;
# they skip with a message when it is missing, and fail under CI=true).
test-book: $(STAMP)
	$(BIN)/python -m pytest tests/test_book.py tests/test_browser.py

# The course's JupyterLab settings (jupyter/settings/): no news pop-up. The
# JupyterLab browser test starts the server with the same flags.
LAB_FLAGS := --LabApp.app_settings_dir=$(CURDIR)/jupyter/settings

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_FLAGS) --notebook-dir=$(CURDIR) notebooks/00_getting_started.ipynb

# Glossary terms and citations: authors write {term} and {cite:p} roles; this
# writes them as links JupyterLab shows (the website turns them back into roles).
links: $(STAMP)
	$(BIN)/pmcourse links

data: $(STAMP)
	$(BIN)/pmcourse data --out data

release: $(STAMP)
	$(BIN)/pmcourse release

ASSIGNMENT ?= 01_foundations
grade: $(STAMP)
	$(BIN)/pmcourse grade $(ASSIGNMENT) --course-dir exercises

# `make bench ONLY=notebooks` runs one benchmark; `$(BIN)/python -m bench --list` names them.
bench: $(STAMP)
	$(BIN)/python -m bench $(ONLY)

lint: $(STAMP)
	$(BIN)/ruff check pmcourse tests bench book/_ext exercises/nbgrader_config.py deploy
	$(BIN)/ruff format --check pmcourse tests bench book/_ext exercises/nbgrader_config.py deploy

clean:
	rm -rf _build .pytest_cache test-artifacts
