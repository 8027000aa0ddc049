# site-gen: `make site` to preview, `make test` to check everything. Nothing needs to be installed
# first beyond Python 3.11+, make and apt (the browser tests use Debian's Chromium).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: site build test lint golden clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Playwright cannot download its own browser here; the tests drive Debian's.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

site: $(STAMP)
	$(BIN)/site-gen serve

build: $(STAMP)
	$(BIN)/site-gen build

test: $(TEST_STAMP) $(CHROMIUM)
	$(BIN)/ruff check site_gen tests
	$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check site_gen tests
	$(BIN)/ruff format --check site_gen tests
	$(BIN)/mypy site_gen

golden: $(STAMP)
	$(BIN)/python -m tests.golden refresh

clean:
	rm -rf _site .pytest_cache .ruff_cache .mypy_cache build *.egg-info
