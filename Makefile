# A thin facade: every target sets up what it needs itself.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HASH := $(shell cksum pyproject.toml | cut -d' ' -f1)
# One stamp per extra installed (lsp, dev, fuzz), redone when pyproject.toml changes.
stamp = $(VENV)/.installed-$(1)-$(HASH)

.PHONY: setup run test lint typecheck pytest e2e-deps docs docs-check bench fuzz clean

## make setup: the development environment (the CLI, the language server and every tool of `make test`).
setup: $(call stamp,dev)

$(VENV)/.installed-%-$(HASH): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[$*]'
	rm -f $(VENV)/.installed-$*-*
	touch $@

## make run: check the bundled examples, then show what a broken config looks like.
## Installs only what the CLI and the language server need (the `lsp` extra).
run: $(call stamp,lsp)
	$(BIN)/flash-schema check examples/sft.toml examples/grpo.toml
	@echo
	@echo "--- a broken config (exit 1 is expected here) ---"
	@$(BIN)/flash-schema check examples/broken/grpo-mistakes.toml; test $$? -eq 1

## make test: lint, type-check, then every test (end-to-end ones last).
test: setup e2e-deps lint typecheck pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

# Real editor for the end-to-end tests: Debian's neovim (needs root, as in CI).
e2e-deps:
	@command -v nvim >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq neovim >/dev/null) || echo "neovim not installed: its test will skip"; }

docs: setup
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
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
