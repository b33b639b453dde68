"""`flash-schema check --fix` and `--diff`: only certain fixes, in place, keeping everything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flash_schema.cli import main
from flash_schema.document import Document
from flash_schema.fixes import fix_config

WRITTEN_FOR_0_2 = """\
# Tuned by hand: keep this comment.
model = "Qwen/Qwen3.5-9B"
project = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"
algorithm = "GRPO"   # trailing comment stays
lora_rank = 16

[environment]
id = "acme/math/gsm8k"

[train]
max_length = 4096       # renamed in 0.2.49
max_tokens = 512
learnig_rate = 1e-5
hf_repo = "acme/out"
steps = 300
"""

FIXED = """\
# Tuned by hand: keep this comment.
model = "Qwen/Qwen3.5-9B"
project = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"
algorithm = "grpo"   # trailing comment stays

[environment]
id = "acme/math/gsm8k"

[train]
max_context_tokens = 4096       # renamed in 0.2.49
max_completion_tokens = 512
learning_rate = 1e-5
steps = 300
lora_rank = 16
"""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--color", "never", "--flash-version", "1.3.28", *args])
    return result.exit_code, result.output


def test_fix_applies_the_certain_fixes_and_keeps_the_rest(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(WRITTEN_FOR_0_2, "utf-8")
    code, out = _run("--fix", str(config))
    assert config.read_text("utf-8") == FIXED
    assert "fixed 6 problems" in out
    # `steps` has no sure replacement (GRPO became epoch-driven): it stays, and so does the error.
    assert code == 1
    assert "`steps` was removed in Flash 0.2.49" in out
    assert "learnig_rate" not in out


def test_diff_prints_without_writing_and_exits_as_the_fixed_file_would(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(WRITTEN_FOR_0_2.replace("steps = 300\n", ""), "utf-8")
    code, out = _run("--diff", str(config))
    assert config.read_text("utf-8") == WRITTEN_FOR_0_2.replace("steps = 300\n", "")
    assert "-max_length = 4096       # renamed in 0.2.49" in out
    assert "+max_context_tokens = 4096       # renamed in 0.2.49" in out
    assert "would fix 6 problems" in out
    assert code == 0  # once fixed, Flash 1.3.28 accepts it


def test_fix_never_invents_a_value(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    text = 'model = "Qwen/Qwen3.5-9B"\n\n[environment]\nid = "acme/a/b"\n'
    config.write_text(text, "utf-8")
    code, out = _run("--fix", str(config))
    assert config.read_text("utf-8") == text  # a missing `project` stays an error
    assert code == 1
    assert "config must set `project`" in out


def test_a_move_is_made_only_when_the_target_is_free() -> None:
    text = (
        'model = "Qwen/Qwen3.5-9B"\nproject = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"\nseed = 1\n\n'
        '[environment]\nid = "a/b/c"\n\n[train]\nseed = 2\n'
    )
    fixed = fix_config("c.toml", Document.from_text(text), release="1.3.28")
    assert fixed.applied == ()  # moving train.seed up would duplicate `seed`
    moved = fix_config("c.toml", Document.from_text(text.replace("seed = 1\n", "")), release="1.3.28")
    assert moved.applied == ("Move `seed` to the top level",)
    assert moved.document.text.index("seed = 2") < moved.document.text.index("[environment]")


def test_crlf_files_keep_their_line_endings(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_bytes(WRITTEN_FOR_0_2.replace("\n", "\r\n").encode())
    _run("--fix", str(config))
    raw = config.read_bytes()
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_a_file_with_a_syntax_error_is_left_alone(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    text = WRITTEN_FOR_0_2 + "broken = [\n"
    config.write_text(text, "utf-8")
    code, _ = _run("--fix", str(config))
    assert config.read_text("utf-8") == text
    assert code == 1


@pytest.mark.parametrize("flag", ["--fix"])
def test_fix_refuses_standard_input(flag: str) -> None:
    result = CliRunner().invoke(main, ["check", flag, "-"], input="model = 1\n")
    assert result.exit_code == 2
    assert "--diff" in result.output


def test_only_a_newline_ends_a_toml_line() -> None:
    """A U+2028 or a form feed inside a comment does not end it (str.splitlines would): a key added at
    the top goes after the whole comment, not into it."""
    from flash_schema.fixes import after_leading_comments, top_level_end

    text = "# note\u2028more\f still the comment\n[train]\nepochs = 1\n"
    doc = Document.from_text(text)
    end_of_comment = text.index("[train]")
    assert after_leading_comments(doc) == end_of_comment
    assert top_level_end(doc) == end_of_comment
