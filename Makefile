# A thin facade: every target sets up what it needs itself.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HASH := $(shell cksum pyproject.toml | cut -d' ' -f1)
# One stamp per extra installed (lsp, dev, fuzz), redone when pyproject.toml changes.
stamp = $(VENV)/.installed-$(1)-$(HASH)

.PHONY: setup run test lint typecheck pytest e2e-deps flash-oracles flash-drift schema docs docs-check bench fuzz clean

## make setup: the development environment (the CLI, the language server and every tool of `make test`).
setup: $(call stamp,dev)

$(VENV)/.installed-%-$(HASH): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[$*]'
	@# Flash runs in its own virtualenvs (.venv-flash/); a copy left here by an older checkout
	@# would be the "installed" release flash-schema detects.
	$(PY) -m pip uninstall -q -y freesolo-flash 2>/dev/null || true
	rm -f $(VENV)/.installed-$*-*
	touch $@

## make run: check the bundled examples, then show what a broken config looks like.
## Installs only what the CLI and the language server need (the `lsp` extra).
run: $(call stamp,lsp)
	$(BIN)/flash-schema check examples/sft.toml examples/grpo.toml examples/opd.toml
	@echo
	@echo "--- a config written for Flash 1.0.1: its pyproject.toml pins the release ---"
	$(BIN)/flash-schema check examples/flash-1.0/grpo.toml
	@echo
	@echo "--- a broken config (exit 1 is expected here) ---"
	@$(BIN)/flash-schema check examples/broken/grpo-mistakes.toml; test $$? -eq 1

## make test: lint, type-check, then every test (end-to-end ones last).
test: setup e2e-deps flash-oracles lint typecheck pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: setup flash-oracles
	$(BIN)/pytest

# The differential tests' oracles: each Flash release the dialects are exact for, from the registry,
# in its own virtualenv (a release imports as `flash`, so two cannot share one). Installed once: the
# stamp names the pinned release, which never changes.
# The release each dialect is exact for, as the generated schema/releases.json says.
FLASH_RELEASES := $(shell python3 -c "import json; print(*(d['release'] for d in json.load(open('schema/releases.json'))['dialects'].values()))")
FLASH_VENVS := .venv-flash
FLASH_STAMPS := $(foreach v,$(FLASH_RELEASES),$(FLASH_VENVS)/$(v)/.installed)

flash-oracles: $(FLASH_STAMPS)

$(FLASH_VENVS)/%/.installed:
	rm -rf $(FLASH_VENVS)/$*
	python3 -m venv $(FLASH_VENVS)/$*
	$(FLASH_VENVS)/$*/bin/python -m pip install -q --disable-pip-version-check 'freesolo-flash==$*'
	touch $@

## make flash-drift: the newest freesolo-flash from the registry against the newest dialect's corpus.
flash-drift: setup flash-oracles
	rm -rf $(FLASH_VENVS)/latest
	python3 -m venv $(FLASH_VENVS)/latest
	$(FLASH_VENVS)/latest/bin/python -m pip install -q --disable-pip-version-check --upgrade freesolo-flash
	$(PY) tests/flash_drift.py

# Real editor for the end-to-end tests: Debian's neovim (needs root, as in CI).
e2e-deps:
	@command -v nvim >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq neovim >/dev/null) || echo "neovim not installed: its test will skip"; }

schema: setup
	$(PY) -m flash_schema.schemagen

docs: setup schema
	$(BIN)/flash-schema docs

docs-check: setup
	$(BIN)/flash-schema docs --check

# Both benches always run; the target fails if either missed a goal.
bench: setup
	$(PY) bench/run.py; s=$$?; $(PY) bench/lsp_bench.py || exit $$?; exit $$s

# atheris (the fuzzer) has wheels for Linux x86_64 only: it is the `fuzz` extra, installed here alone.
fuzz: setup $(call stamp,fuzz)
	$(PY) fuzz/run.py --runs 100000

clean:
	rm -rf $(VENV) $(FLASH_VENVS) .mypy_cache .ruff_cache .pytest_cache
