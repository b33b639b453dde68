"""Differential test: our verdict (has an error or not) equals Flash 0.2.43's on every case.

Flash itself (`freesolo-flash==0.2.43`, a test-only dependency) is the oracle; GPU-sizing
rejections are excepted because the schema deliberately does not model that estimate.
"""

from __future__ import annotations

import pytest
from casekit import load_cases, run_core
from gen_cases import Case, generate_cases
from oracle import flash_verdict

from flash_schema.check import check_config
from flash_schema.document import Document

GENERATED = generate_cases()


def _ours(case: Case) -> tuple[bool, list[str]]:
    overlays = [(f"overlay{i}.toml", Document.from_text(t)) for i, t in enumerate(case.overlays)]
    result = check_config("config.toml", Document.from_text(case.text), overlays, case.sets)
    return result.valid, [f"{d.code}: {d.message}" for d in result.diagnostics if d.is_error]


@pytest.mark.parametrize("case", GENERATED, ids=[c.id for c in GENERATED])
def test_generated_case_agrees_with_flash(case: Case) -> None:
    """Every generated mutation gets Flash's verdict."""
    flash = flash_verdict(case.text, case.overlays, case.sets)
    if flash.gpu_sizing:
        pytest.skip("GPU sizing is out of the schema's scope")
    ours, errors = _ours(case)
    assert ours == flash.ok, f"Flash says {flash.message!r}; we say {errors or 'valid'}\n{case.text}"


HAND = [c for c in load_cases() if c.dialect == "0.2.43"]


@pytest.mark.parametrize("case", HAND, ids=[c.name for c in HAND])
def test_hand_case_agrees_with_flash(case) -> None:  # type: ignore[no-untyped-def]
    """Every hand-written case gets Flash's verdict too."""
    text = case.path.read_text("utf-8", errors="surrogateescape")
    overlays = tuple((case.folder / o).read_text("utf-8") for o in case.overlays)
    flash = flash_verdict(text, overlays, case.sets)
    if flash.gpu_sizing:
        pytest.skip("GPU sizing is out of the schema's scope")
    result = run_core(case)
    assert result.valid == flash.ok, f"Flash says {flash.message!r}; we say {[d.message for d in result.diagnostics]}"


def test_generator_is_a_healthy_mix() -> None:
    """The generated set exercises both verdicts in quantity."""
    verdicts = [flash_verdict(c.text, c.overlays, c.sets).ok for c in GENERATED]
    assert len(GENERATED) >= 300
    assert 0.3 < sum(verdicts) / len(verdicts) < 0.7
