"""The public library API: everything a tool needs, imported from `flash_schema` alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import flash_schema
from flash_schema import (
    CheckResult,
    Diagnostic,
    Document,
    InputError,
    Release,
    Severity,
    Span,
    VersionError,
    check,
    check_file,
    detect_release,
    fix,
    resolve_release,
)

GRPO_13 = """\
model = "Qwen/Qwen3.5-9B"
project = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"
algorithm = "grpo"

[environment]
id = "acme/math/env"

[train]
lora_rnak = 16
"""


def test_check_text_for_a_release() -> None:
    result = check(GRPO_13, flash_version="1.3")
    assert isinstance(result, CheckResult)
    assert isinstance(result.release, Release)
    assert result.release.dialect == "1.3"
    assert not result.valid
    (typo,) = [d for d in result.diagnostics if d.code == "unknown-key"]
    assert isinstance(typo, Diagnostic)
    assert typo.severity is Severity.ERROR
    assert isinstance(typo.span, Span)
    assert GRPO_13[typo.span.start : typo.span.end] == "lora_rnak"
    assert isinstance(result.document, Document)


def test_the_same_text_under_another_release() -> None:
    """Flash 0.2.43 has no `project` (a warning there) and takes two-part environment ids."""
    result = check(GRPO_13, flash_version="0.2.43")
    assert result.release.dialect == "0.2.43"
    assert "invalid-environment-id" in {d.code for d in result.diagnostics}


def test_fix_applies_the_certain_fixes_without_writing() -> None:
    result = check(GRPO_13, flash_version="1.3")
    applied = fix(result)
    assert "lora_rank = 16" in applied.text
    assert check(applied.text, flash_version="1.3").valid


def test_check_file_detects_the_pinned_release(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("freesolo-flash==1.0.1\n")
    config = tmp_path / "config.toml"
    config.write_text(GRPO_13)
    result = check_file(config)
    assert result.release.version == "1.0.1"
    assert result.release.source == str(tmp_path / "requirements.txt")
    assert detect_release(config) == result.release


def test_overlays_and_sets() -> None:
    result = check(
        GRPO_13.replace("lora_rnak", "lora_rank"),
        flash_version="1.3",
        overlays={"overlay.toml": "[train]\nlora_rank = 999\n"},
        sets=["train.lora_rank=8"],
    )
    assert result.valid, result.diagnostics


def test_errors_are_exceptions_of_the_api() -> None:
    with pytest.raises(VersionError):
        resolve_release("9.x")
    with pytest.raises(InputError, match="no such file"):
        check_file("/nonexistent/config.toml")


def test_everything_public_is_importable_and_nothing_else_is_promised() -> None:
    for name in flash_schema.__all__:
        assert getattr(flash_schema, name) is not None
    assert set(dir(flash_schema)) >= set(flash_schema.__all__)
    with pytest.raises(AttributeError):
        flash_schema.nothing_here  # noqa: B018


def test_importing_the_package_loads_nothing_heavy() -> None:
    """`import flash_schema` stays cheap: jsonschema, click and the language server load on use."""
    code = "import sys, flash_schema; print(sorted(m for m in ('jsonschema', 'click', 'pygls') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_an_overlay_given_twice_is_merged_twice(tmp_path: Path) -> None:
    """`--config a.toml --config b.toml --config a.toml`: the last `a.toml` wins again."""
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("[train]\nlora_rank = 8\n")
    b.write_text("[train]\nlora_rank = 999\n")
    config = tmp_path / "config.toml"
    config.write_text(GRPO_13.replace("lora_rnak", "lora_rank"))
    assert check_file(config, flash_version="1.3", overlays=[a, b, a]).valid
    assert not check_file(config, flash_version="1.3", overlays=[a, b]).valid
