"""The Makefile's entry points install what they need and no more: `make run` the CLI and the language server
(the `lsp` extra), `make test` the development tools (`dev`), and atheris, which has wheels for Linux x86_64
only, just for `make fuzz` (`fuzz`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
EXTRAS = PYPROJECT["project"]["optional-dependencies"]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


def _plan(target: str, venv: Path) -> str:
    """What `make TARGET` would run with a fresh virtualenv at ``venv`` (`make -n`: nothing runs)."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        [make, "-n", target, f"VENV={venv}"], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _installs(plan: str) -> list[str]:
    return re.findall(r"pip install .*-e '\.\[(\w+)\]'", plan)


def test_the_extras() -> None:
    assert _names(EXTRAS["lsp"]) == {"pygls", "lsprotocol"}
    assert _names(EXTRAS["fuzz"]) == {"atheris"}
    assert "atheris" not in _names(EXTRAS["dev"])
    assert _names(EXTRAS["lsp"]) <= _names(EXTRAS["dev"])


def test_make_run_installs_only_the_lsp_extra(tmp_path: Path) -> None:
    assert _installs(_plan("run", tmp_path / "venv")) == ["lsp"]


def test_make_test_installs_the_dev_extra(tmp_path: Path) -> None:
    assert _installs(_plan("test", tmp_path / "venv")) == ["dev"]


def test_make_fuzz_adds_atheris(tmp_path: Path) -> None:
    assert sorted(_installs(_plan("fuzz", tmp_path / "venv"))) == ["dev", "fuzz"]


@pytest.mark.e2e
def test_make_run_on_a_fresh_virtualenv(tmp_path: Path) -> None:
    """For real: `make run` into a new virtualenv works, and it holds no development tool."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    done = subprocess.run(
        [make, "run", f"VENV={venv}"], cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "a broken config" in done.stdout
    listed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    installed = {line.split("==")[0].lower() for line in listed.stdout.splitlines()}
    assert {"flash-schema", "pygls", "lsprotocol", "click", "jsonschema"} <= installed
    dev_only = _names(EXTRAS["dev"]) - _names(EXTRAS["lsp"])
    assert installed.isdisjoint(dev_only | {"atheris"}), sorted(installed & (dev_only | {"atheris"}))
