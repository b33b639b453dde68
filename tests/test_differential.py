"""Differential tests: under each dialect, our verdict (an error or not) equals its Flash release's.

The oracles are the real parsers (``freesolo-flash`` 0.2.43, 1.0.1 and 1.3.28, each in its own
virtualenv, ``tests/flash_oracle``); the inputs are each dialect's generated corpus
(``tests/corpus``) and every hand case (``tests/cases/<dialect>/``; the flat ``tests/cases/`` folder
is 0.2.43's). GPU-sizing rejections are excepted: no schema can reproduce a VRAM estimate.

Each corpus's verdicts are computed once per session, the releases' oracles side by side (the
``verdicts`` fixture of conftest.py, which test_show.py's differential test shares).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from corpus import DIALECTS, build, generate
from corpus.hand import HandCase, hand_cases
from flash_oracle import DIALECTS as RELEASES
from flash_oracle import FlashVerdict, OracleInput
from ours import ours, plain_errors

MIN_CASES = 400


GENERATED = {d: generate(d) for d in DIALECTS}
HAND = {d: hand_cases(d) for d in DIALECTS}

Verdicts = Callable[[str, OracleInput], FlashVerdict]  # the `verdicts` fixture (conftest.py)


def _disagreement(dialect: str, case: OracleInput, flash: FlashVerdict) -> str | None:
    """Why our verdict differs from Flash's on one case (``None``: it does not)."""
    release = RELEASES[dialect]
    valid, errors = ours(case.text, case.overlays, case.sets, release)
    text = case.text.decode("utf-8", "replace") if isinstance(case.text, bytes) else case.text
    if valid != flash.ok:
        return f"Flash {release} says {flash.message!r}; we say {errors or 'valid'}\n{text}"
    if flash.ok and not case.overlays and not case.sets:
        # Issue 10: the exported schema never makes another tool reject what Flash accepts
        # (its portable shadows of our custom keywords are looser than the keywords).
        plain = plain_errors(case.text, release)
        if plain:
            return f"the exported {release} schema rejects what Flash accepts: {plain}\n{text}"
    return None


@pytest.mark.parametrize("dialect", DIALECTS)
def test_generated_cases_agree_with_flash(dialect: str, verdicts: Verdicts) -> None:
    """Every generated mutation gets its release's verdict (one test per corpus: its hundreds of
    cases are listed by id when any disagrees)."""
    wrong = []
    for case in GENERATED[dialect]:
        flash = verdicts(dialect, case)
        if flash.gpu_sizing:
            continue  # GPU sizing is out of the schema's scope
        why = _disagreement(dialect, case, flash)
        if why:
            wrong.append(f"{case.id}: {why}")
    assert not wrong, f"{len(wrong)} of {len(GENERATED[dialect])} cases disagree:\n\n" + "\n\n".join(wrong)


@pytest.mark.parametrize(("dialect", "case"), [pytest.param(d, c, id=f"{d}/{c.id}") for d in DIALECTS for c in HAND[d]])
def test_hand_case_agrees_with_flash(dialect: str, case: HandCase, verdicts: Verdicts) -> None:
    """Every hand-written case gets its release's verdict too."""
    flash = verdicts(dialect, case)
    if flash.gpu_sizing:
        pytest.skip("GPU sizing is out of the schema's scope")
    why = _disagreement(dialect, case, flash)
    assert why is None, why


@pytest.mark.parametrize("dialect", DIALECTS)
def test_corpus_is_a_healthy_mix(dialect: str, verdicts: Verdicts) -> None:
    """Each corpus is big, and exercises both verdicts in quantity (read from the session's verdicts)."""
    cases = GENERATED[dialect]
    accepted = sum(verdicts(dialect, c).ok for c in cases)
    assert len(cases) >= MIN_CASES
    assert 0.3 < accepted / len(cases) < 0.7, f"{accepted} of {len(cases)} accepted"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_corpus_is_deterministic_and_uniquely_named(dialect: str) -> None:
    cases = GENERATED[dialect]
    assert [(c.id, c.text, c.overlays, c.sets) for c in cases] == [
        (c.id, c.text, c.overlays, c.sets) for c in build(dialect)
    ]
    assert len({c.id for c in cases}) == len(cases)


def test_hand_cases_come_from_the_dialect_folder_or_the_flat_one(tmp_path: Path) -> None:
    (tmp_path / "flat.toml").write_bytes(b'model = "x"\n')
    assert [c.id for c in hand_cases("0.2.43", tmp_path)] == ["flat"]
    assert hand_cases("1.3", tmp_path) == []
    folder = tmp_path / "1.3"
    folder.mkdir()
    (folder / "_overlay.toml").write_bytes(b"[train]\r\nepochs = 2\r\n")
    args = b"# flash-schema-args: --config _overlay.toml --set train.lora_rank=8 --set seed=1\n"
    (folder / "with-args.toml").write_bytes(args + b'model = "\xff"\n')
    (case,) = hand_cases("1.3", tmp_path)
    assert case == HandCase(
        "with-args", args + b'model = "\xff"\n', (b"[train]\r\nepochs = 2\r\n",), ("train.lora_rank=8", "seed=1")
    )
    assert [c.id for c in hand_cases("0.2.43", tmp_path)] == ["flat"]
