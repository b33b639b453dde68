"""The console script's start-up: cycle collector paused while loading, then frozen and back on."""

from __future__ import annotations

import gc
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from flash_schema import _entry, cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _restore_gc() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_console_script_is_the_entry() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"flash-schema": "flash_schema._entry:run"}


def test_check_runs_with_the_collector_back_on_and_the_loaded_code_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_run_check(options: cli.CheckOptions) -> tuple[int, str, str]:
        seen["enabled"] = gc.isenabled()
        seen["frozen"] = gc.get_freeze_count()
        seen["validator"] = "flash_schema.validate" in sys.modules
        return 0, "", ""

    monkeypatch.setattr(cli, "run_check", fake_run_check)
    monkeypatch.setattr(sys, "argv", ["flash-schema", "check", str(ROOT / "examples" / "sft.toml")])
    with pytest.raises(SystemExit) as exit_:
        _entry.run()
    assert exit_.value.code == 0
    assert seen["enabled"] is True
    assert seen["validator"] is True
    frozen = seen["frozen"]
    assert isinstance(frozen, int)
    assert frozen > 0
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("option", "dialect"),
    [
        ((), "1.3"),
        (("--flash-version", "1.0.1"), "1.0"),
        (("--flash-version", "0.2.43"), "0.2.43"),
        (("--flash-version", "0.2"), "1.0"),
    ],
)
def test_start_up_builds_the_validator_of_the_chosen_release(
    option: tuple[str, ...], dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The validator built (and frozen) during start-up is that of the `--flash-version` dialect,
    the newest without the option: the check then finds it ready."""
    from flash_schema import validate

    loaded: list[str] = []
    monkeypatch.setattr(validate, "load_validator", loaded.append)
    monkeypatch.setattr(cli, "run_check", lambda options: (0, "", ""))
    monkeypatch.setattr(sys, "argv", ["flash-schema", "check", *option, str(ROOT / "examples" / "sft.toml")])
    with pytest.raises(SystemExit) as exit_:
        _entry.run()
    assert exit_.value.code == 0
    assert loaded == [dialect]
    assert gc.isenabled()


@pytest.mark.parametrize("argv", [["export"], ["--version"], ["check"], ["no-such-command"]])
def test_every_way_out_turns_the_collector_back_on(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["flash-schema", *argv])
    with pytest.raises(SystemExit):
        _entry.run()
    assert gc.isenabled()


def test_resume_gc_leaves_an_enabled_collector_alone() -> None:
    before = gc.get_freeze_count()
    cli.resume_gc()
    assert gc.isenabled()
    assert gc.get_freeze_count() == before
