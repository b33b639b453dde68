"""Details of `flash-schema check`'s output a user sees first: colour in a pipe, a truthful summary under
--strict, carets in display columns (CJK, emoji, masked secrets) and where a missing table is reported."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flash_schema.cli import main
from flash_schema.reporting import display_width

#: These configs are written for Flash 0.2.43: every check names that release.
RELEASE = ("--flash-version", "0.2.43")

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "examples" / "broken" / "grpo-mistakes.toml"

VALID = """model = "Qwen/Qwen3.5-4B"

[environment]
id = "your-org/your-env"

[train]
max_examples = 100
"""
# Flash accepts it; `lora_rank` at the top level is only a warning.
WARNING_ONLY = VALID.replace("[environment]", "lora_rank = 16\n\n[environment]")


def _check(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *RELEASE, *args], input=input)
    return result.exit_code, result.stdout


def _pairs(text: str) -> list[tuple[str, str]]:
    """(source line, caret line) of every snippet in text output, without their gutters."""
    lines = text.splitlines()
    out = []
    for source, caret in itertools.pairwise(lines):
        if " | " in source and caret.lstrip().startswith("|") and "^" in caret:
            out.append((source.split(" | ", 1)[1], caret.split(" | ", 1)[1]))
    return out


# -- colour -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("choice", "coloured"), [("always", True), ("never", False), ("auto", False)])
def test_color_choice_holds_in_a_pipe(choice: str, coloured: bool) -> None:
    """`--color always` colours output that goes to a pipe (as in CI logs); auto does not."""
    done = subprocess.run(
        [sys.executable, "-m", "flash_schema", "check", "--color", choice, str(BROKEN)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1
    assert ("\x1b[" in done.stdout) is coloured


# -- the summary under --strict -------------------------------------------------------------------------


def test_warnings_only_without_strict_pass() -> None:
    code, out = _check("-", input=WARNING_ONLY)
    assert code == 0
    assert out.splitlines()[-1] == "0 errors, 1 warning; all files valid for Flash 0.2.43 (from --flash-version)"


@pytest.mark.parametrize("quiet", [[], ["-q"]], ids=["loud", "quiet"])
def test_strict_summary_says_why_it_fails(quiet: list[str]) -> None:
    """`--strict` fails on warnings: the last line must say so, not "all files valid"."""
    code, out = _check("--strict", *quiet, "-", input=WARNING_ONLY)
    assert code == 1
    last = out.splitlines()[-1]
    assert "all files valid" not in last
    assert last.endswith("1 of 1 file fails --strict (warnings count)")
    assert "1 warning" in last
    if quiet:
        assert "ignored-top-level-key" not in out  # -q still hides the warnings themselves
        assert "(not shown: -q)" in last


def test_strict_summary_with_errors_counts_both(tmp_path: Path) -> None:
    warned = tmp_path / "warned.toml"
    warned.write_text(WARNING_ONLY)
    valid = tmp_path / "valid.toml"
    valid.write_text(VALID)
    code, out = _check("--strict", str(BROKEN), str(warned), str(valid))
    assert code == 1
    assert out.splitlines()[-1].endswith(
        "1 of 3 files rejected by Flash 0.2.43 (from --flash-version); 2 of 3 files fail --strict (warnings count)"
    )


# -- carets -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "env_id",
    ["日本語/環境", "😀😀/x", "ｆｕｌｌ/ｗｉｄｔｈ", "e\u0301te\u0301/x y", "a\u200db/👩\u200d💻"],
    ids=["cjk", "emoji", "fullwidth", "combining", "zwj"],
)
def test_carets_follow_display_width(env_id: str) -> None:
    """The caret run is as wide as the value on screen, and starts under it."""
    code, out = _check("-", input=VALID.replace("your-org/your-env", env_id))
    assert code == 1
    (pair,) = [p for p in _pairs(out) if p[0].startswith("id = ")]
    source, caret = pair
    quote = source.index('"')
    assert caret == " " * display_width(source[:quote]) + "^" * display_width(source[quote:])


@pytest.mark.parametrize("before", ["日本語", "😀👍", "ｆｕｌｌ", "cafe\u0301"])
def test_carets_start_after_wide_characters(before: str) -> None:
    """Wide characters earlier on the line push the caret right by their display width."""
    params = f'params = {{ note = "{before}", when = 1979-05-27 }}'
    text = VALID.replace('"your-org/your-env"', f'"your-org/your-env"\n{params}')
    code, out = _check("-", input=text)
    assert code == 1
    (pair,) = [p for p in _pairs(out) if p[0].startswith("params")]
    source, caret = pair
    at = source.index("1979")
    assert caret == " " * display_width(source[:at]) + "^" * len("1979-05-27")


def test_display_width() -> None:
    assert display_width("abc") == 3
    assert display_width("日本") == 4
    assert display_width("😀") == 2
    assert display_width("e\u0301") == 1  # e + combining acute
    assert display_width("\u200d\ufe0f") == 0  # ZWJ, variation selector


def test_a_masked_value_keeps_its_caret() -> None:
    secret = "ghp_" + "Zq7Rt2Lw9Xk4Mv8Nb3Pd6Hs1Jc5Fy0Ga"
    text = VALID.replace("max_examples = 100", f'max_examples = 100\nlora_rank = "{secret}"')
    code, out = _check("-", input=text)
    assert code == 1
    assert secret[4:] not in out
    (pair,) = [p for p in _pairs(out) if p[0].startswith("lora_rank")]
    source, caret = pair
    assert source == 'lora_rank = "ghp****"'
    assert caret == " " * source.index('"') + "^" * len('"ghp****"')


def test_a_missing_table_points_at_the_top_of_the_file() -> None:
    """Not an underline of the whole `model = …` line: one zero-width point at 1:1."""
    text = 'model = "Qwen/Qwen3.5-4B"\n\n[train]\nmax_examples = 10\n'
    code, out = _check("-", input=text)
    assert code == 1
    (pair,) = _pairs(out)
    assert pair == ('model = "Qwen/Qwen3.5-4B"', "^")
    code, out = _check("--format", "json", "-", input=text)
    (diag,) = json.loads(out)["files"][0]["diagnostics"]
    assert diag["code"] == "missing-key"
    assert (diag["line"], diag["column"], diag["end_line"], diag["end_column"]) == (1, 1, 1, 1)
