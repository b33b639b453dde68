"""What a message tells beside "wrong": the table a key belongs in, the value meant, the release a
key comes from; and that one mistake makes one diagnostic, not a cascade."""

from __future__ import annotations

import pytest

from flash_schema.checker import check_text
from flash_schema.document import Document
from flash_schema.fixes import resolve

PROJECT = 'project = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"\n'


@pytest.mark.parametrize("algorithm", ['"grpo "', '"rl"', '"GRPO!"', "1"])
def test_an_invalid_algorithm_is_one_diagnostic(algorithm: str) -> None:
    """No "SFT needs max_examples" (0.2.43) or knob scoping cascades from a bad `algorithm`."""
    text = f'model = "Qwen/Qwen3.5-4B"\nalgorithm = {algorithm}\n\n[environment]\nid = "o/e"\n\n[train]\nsteps = 3\n'
    diags = check_text(text, "0.2.43")
    assert [(d.code, d.path) for d in diags] == [("invalid-algorithm", ("algorithm",))]


@pytest.mark.parametrize(("given", "meant"), [('"rl"', '"grpo"'), ('"grpo "', '"grpo"'), ('"sfft"', '"sft"')])
def test_an_invalid_algorithm_gets_a_did_you_mean(given: str, meant: str) -> None:
    text = f'model = "Qwen/Qwen3.5-9B"\n{PROJECT}algorithm = {given}\n\n[environment]\nid = "o/p/e"\n'
    (diag,) = check_text(text, "1.3")
    assert diag.code == "invalid-algorithm"
    assert diag.message.endswith(f"did you mean {meant}?")


def test_a_top_level_key_in_a_table_belongs_at_the_top_level() -> None:
    text = f'model = "Qwen/Qwen3.5-9B"\n{PROJECT}\n[environment]\nid = "o/p/e"\n\n[train]\nseed = 3\n'
    (diag,) = check_text(text, "1.3")
    assert "it belongs at the top level" in diag.message
    assert "`[]`" not in diag.message
    fix = resolve(Document.from_text(text), diag)
    assert fix is not None
    assert fix.title == "Move `seed` to the top level"


def test_a_move_that_would_duplicate_a_key_is_not_offered() -> None:
    text = f'model = "Qwen/Qwen3.5-9B"\n{PROJECT}seed = 1\n\n[environment]\nid = "o/p/e"\n\n[train]\nseed = 3\n'
    diag = next(d for d in check_text(text, "1.3") if d.path == ("train", "seed"))
    assert resolve(Document.from_text(text), diag) is None


def test_a_key_of_another_release_is_told_with_the_release() -> None:
    old = (
        'model = "Qwen/Qwen3.5-4B"\n\n[environment]\nid = "o/e"\n\n[train]\nmax_examples = 9\nmax_context_tokens = 9\n'
    )
    (diag,) = check_text(old, "0.2.43")
    assert diag.message == (
        "`max_context_tokens` is what Flash 0.2.49 and later call `max_length`, so Flash 0.2.43 rejects it"
    )
    assert diag.fix is not None
    assert diag.fix.value == "max_length"  # never a did-you-mean to an unrelated key (`max_tokens`)


def test_a_value_of_another_release_is_told_with_the_release() -> None:
    text = 'model = "Qwen/Qwen3.5-4B"\nalgorithm = "opd"\n\n[environment]\nid = "o/e"\n'
    (diag,) = check_text(text, "0.2.43")
    assert "`opd` needs Flash 0.2.45 or later" in diag.message


def test_the_serving_context_warning_does_not_speak_for_the_dry_run() -> None:
    text = (
        'model = "Qwen/Qwen3.6-35B-A3B"\nalgorithm = "grpo"\n\n[environment]\nid = "o/e"\n\n'
        "[train]\nmax_length = 16384\n"
    )
    (diag,) = [d for d in check_text(text, "0.2.43") if d.code == "exceeds-serving-context"]
    assert "dry-run" not in diag.message
    assert "rejects it when you submit" in diag.message
