"""Checks that the test-only Flash oracle behaves as parser-facts-0.2.43.md says Flash does.

Also cross-checks the in-process oracle against the real ``flash train --dry-run`` CLI on a sample
of generated cases, and prints accept/reject statistics for the whole generated corpus.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import flash.engine.vram as flash_vram
import pytest

_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:  # e.g. under --import-mode=importlib
    sys.path.insert(0, _TESTS_DIR)

import oracle  # noqa: E402
from gen_cases import Case, generate_cases  # noqa: E402
from oracle import FlashVerdict, flash_verdict  # noqa: E402

MINIMAL_SFT = """\
model = "Qwen/Qwen3.5-4B"

[environment]
id = "acme/support-bot"

[train]
max_examples = 100
"""
MINIMAL_GRPO = """\
model = "Qwen/Qwen3.5-4B"
algorithm = "grpo"

[environment]
id = "acme/math-rl"
"""
UNKNOWN_SECTION = (
    "unknown config section(s): grpo (allowed tables: environment, train, gpu, wandb, worker_env)"
    " — GRPO/SFT knobs (group_size, batch_size, max_tokens, …) belong under [train], not a"
    " [grpo]/[sft] table"
)
MIN_SHARE = 0.35
TIME_BUDGET_SECONDS = 10.0


def rejected(verdict: FlashVerdict, message: str) -> bool:
    return not verdict.ok and verdict.message == message and not verdict.gpu_sizing


def test_minimal_sft_passes() -> None:
    assert flash_verdict(MINIMAL_SFT) == FlashVerdict(ok=True, message=None, gpu_sizing=False)


def test_minimal_grpo_passes_without_max_examples() -> None:
    assert flash_verdict(MINIMAL_GRPO).ok


def test_missing_model() -> None:
    text = MINIMAL_SFT.replace('model = "Qwen/Qwen3.5-4B"\n', "")
    assert rejected(flash_verdict(text), "config must set `model`")


def test_grpo_table_is_an_unknown_section() -> None:
    assert rejected(flash_verdict(MINIMAL_GRPO + "\n[grpo]\ngroup_size = 8\n"), UNKNOWN_SECTION)


def test_array_of_tables_under_unknown_name_is_ignored() -> None:
    assert flash_verdict(MINIMAL_GRPO + "\n[[grpo]]\ngroup_size = 8\n").ok


def test_top_level_lora_rank_is_silently_ignored() -> None:
    assert flash_verdict("lora_rank = 999\n" + MINIMAL_SFT).ok


def test_sft_requires_max_examples() -> None:
    text = MINIMAL_SFT.replace("max_examples = 100", "max_examples = 0")
    message = (
        "train.max_examples must be set to a positive row count for SFT "
        "(use the full dataset row count for an uncapped run)"
    )
    assert rejected(flash_verdict(text), message)


def test_lora_rank_cap_on_4b() -> None:
    assert flash_verdict(MINIMAL_SFT + "lora_rank = 64\n").ok
    message = (
        "train.lora_rank=65 exceeds Qwen/Qwen3.5-4B's serving max_lora_rank=64; "
        "lower train.lora_rank or raise the serving cap after real-GPU validation"
    )
    assert rejected(flash_verdict(MINIMAL_SFT + "lora_rank = 65\n"), message)


def test_gpu_sizing_is_flagged() -> None:
    verdict = flash_verdict(MINIMAL_GRPO + "\n[train]\nlora_rank = 100000\n")
    message = "no validated RunPod-provisionable GPU class has >= 3389 GB VRAM"
    assert verdict == FlashVerdict(ok=False, message=message, gpu_sizing=True)


def test_gpu_sizing_hang_times_out_as_a_sizing_rejection() -> None:
    started = time.perf_counter()
    verdict = flash_verdict(MINIMAL_GRPO + "\n[train]\nmax_length = 9007199254740992\n")
    assert time.perf_counter() - started < oracle.TIMEOUT_SECONDS + 2
    assert not verdict.ok
    assert verdict.gpu_sizing
    assert verdict.message is not None
    assert verdict.message.startswith("timeout: ")
    assert "(stuck in " in verdict.message
    assert "flash/engine/vram.py:" in verdict.message  # the innermost frame varies


@pytest.mark.parametrize(
    ("sets", "ok", "message"),
    [
        (["train.lora_rank=1e1"], True, None),
        (["train.lora_rank"], False, "--set must be key=value, got 'train.lora_rank'"),
        (["train.learning_rate=inf"], False, "train.learning_rate must be a finite number"),
        (["algorithm=1"], False, "algorithm must be a string, got int"),
        (["thinking=1"], False, "thinking must be a boolean"),
        (["model.x=1"], False, "--set path 'model.x' traverses a non-table value"),
        (["wandb.project=123"], True, None),
        (["steps=300"], True, None),
        (["train.lora_rank=999", "train.lora_rank=8"], True, None),
    ],
)
def test_set_overrides(sets: list[str], ok: bool, message: str | None) -> None:
    verdict = flash_verdict(MINIMAL_SFT, sets=sets)
    assert (verdict.ok, verdict.message) == (ok, message)


def test_set_foo_bar_creates_an_unknown_section() -> None:
    verdict = flash_verdict(MINIMAL_SFT, sets=["foo.bar=1"])
    assert verdict.message is not None
    assert verdict.message.startswith("unknown config section(s): foo ")


def test_overlays_merge_tables_replace_lists_and_run_before_sets() -> None:
    base = MINIMAL_SFT.replace('id = "acme/support-bot"', 'id = "a/b"\nsecrets = ["HF_TOKEN"]')
    assert not flash_verdict(base).ok
    assert flash_verdict(base, overlays=['[environment]\nsecrets = ["SERVICE_KEY"]\n']).ok
    assert flash_verdict(MINIMAL_SFT, overlays=["train = 5\n"]).message == "[train] must be a table"
    later = flash_verdict(MINIMAL_SFT, overlays=["[train]\nlora_rank = 999\n"], sets=["train.lora_rank=8"])
    assert later.ok


def test_toml_syntax_error_uses_tomllib_text() -> None:
    text = 'model = "Qwen/Qwen3.5-4B\n'
    with pytest.raises(tomllib.TOMLDecodeError) as excinfo:
        tomllib.loads(text)
    assert rejected(flash_verdict(text), str(excinfo.value))
    assert str(excinfo.value) == "Illegal character '\\n' (at line 1, column 25)"
    assert rejected(
        flash_verdict(MINIMAL_SFT, overlays=["[train\n"]),
        "Expected ']' at the end of a table declaration (at line 1, column 7)",
    )


def test_dry_run_crashes_on_a_date_in_params() -> None:
    text = MINIMAL_SFT.replace("[train]", "params = { since = 2024-01-01 }\n\n[train]")
    verdict = flash_verdict(text)
    assert verdict == FlashVerdict(
        ok=False,
        message="TypeError: Object of type date is not JSON serializable",
        gpu_sizing=False,
    )


def _global_state() -> tuple[object, ...]:
    """Everything the oracle patches while Flash parses."""
    return (
        socket.create_connection,
        socket.getaddrinfo,
        flash_vram.fetch_hf_params_b,
        signal.getsignal(signal.SIGALRM),
        os.environ.get("FLASH_NO_UPDATE_CHECK"),
        os.environ.get("HF_HUB_OFFLINE"),
    )


def test_uncatalogued_model_stays_offline_and_global_state_is_restored() -> None:
    before = _global_state()
    verdict = flash_verdict(MINIMAL_SFT.replace("Qwen/Qwen3.5-4B", "meta-llama/Llama-3.1-8B"))
    assert verdict.message is not None
    assert verdict.message.startswith("unsupported model 'meta-llama/Llama-3.1-8B'; choose one of:")
    after = _global_state()
    assert after == before
    assert "connect" not in vars(socket.socket)


def test_network_attempts_are_an_oracle_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def phoning_home(*_args: object, **_kwargs: object) -> None:
        # Flash's own HF lookup swallows every Exception like this; the oracle must still notice.
        with contextlib.suppress(Exception):
            socket.create_connection(("pypi.org", 443), timeout=1)

    monkeypatch.setattr(oracle, "spec_from_file", phoning_home)
    with pytest.raises(RuntimeError, match="network"):
        flash_verdict(MINIMAL_SFT)


# ------------------------------------------------------------------------------------------------
# The real CLI, as a subprocess, on a sample of generated cases.


def _cli_verdict(case: Case, workdir: Path) -> tuple[bool, str]:
    workdir.mkdir()
    (workdir / "config.toml").write_bytes(case.text.encode("utf-8", "surrogatepass"))
    argv = [sys.executable, "-m", "flash.cli", "train", "config.toml", "--dry-run"]
    for i, overlay in enumerate(case.overlays):
        (workdir / f"overlay-{i}.toml").write_bytes(overlay.encode("utf-8", "surrogatepass"))
        argv += ["--config", f"overlay-{i}.toml"]
    for item in case.sets:
        argv.append(f"--set={item}")
    env = {k: v for k, v in os.environ.items() if k not in ("FLASH_STYLE", "FORCE_COLOR")}
    env |= {"FLASH_NO_UPDATE_CHECK": "1", "HF_HUB_OFFLINE": "1", "HOME": str(workdir)}
    proc = subprocess.run(  # fixed argv, our own interpreter
        argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    if proc.returncode == 0:
        return True, ""
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    if lines[0].startswith("error: "):
        return False, proc.stderr.strip().removeprefix("error: ")
    return False, lines[-1]  # uncaught exception: the traceback's last line


_CLI_SAMPLE_EXTRA = (
    "type/environment.params/date-inside",
    "bound/train.max_examples/10e400",
    "syntax/bom",
    "syntax/lone-cr",
    "set/sft/5-2",
    "set/seq/later-wins-bad",
    "env-id/sft/ok-15-HTTPS_GitHub.com_acme_env",
)


def _sample(cases: Sequence[Case]) -> list[Case]:
    """~25 cases: every 70th, every 4th with overlays, and a few with odd failure modes.

    (A one-off run over every generated case found no mismatch; a full run takes minutes.)
    """
    with_overlays = [c for c in cases if c.overlays][::4]
    picked = [c for i, c in enumerate(cases) if i % 70 == 0]
    picked += [c for c in cases if (c in with_overlays or c.id in _CLI_SAMPLE_EXTRA)]
    # Skip the configs Flash never finishes parsing (the oracle reports them via its timeout).
    return [c for c in dict.fromkeys(picked) if not c.id.endswith("-hangs")]


def test_oracle_matches_the_real_cli_on_a_sample() -> None:
    sample = _sample(generate_cases())
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=8) as pool:
        dirs = [Path(tmp) / f"case-{i}" for i in range(len(sample))]
        cli = list(pool.map(_cli_verdict, sample, dirs))
    mismatches = []
    for case, (cli_ok, cli_message) in zip(sample, cli, strict=True):
        verdict = flash_verdict(case.text, case.overlays, case.sets)
        if (verdict.ok, verdict.message or "") != (cli_ok, cli_message):
            mismatches.append((case.id, verdict, cli_ok, cli_message))
    assert not mismatches


# ------------------------------------------------------------------------------------------------
# The whole generated corpus.


def test_generated_cases_are_deterministic_and_uniquely_named() -> None:
    cases = generate_cases()
    assert cases == generate_cases()
    assert len({c.id for c in cases}) == len(cases)
    assert len(cases) >= 300


def test_corpus_statistics_and_speed() -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    cases = generate_cases()
    verdicts = [flash_verdict(c.text, c.overlays, c.sets) for c in cases]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    accepted = sum(v.ok for v in verdicts)
    rejected_count = len(cases) - accepted
    sizing = sum(v.gpu_sizing for v in verdicts)
    crashes = sum(1 for v in verdicts if v.message and v.message.split(":")[0].endswith("Error"))
    print(  # shown with `pytest -s`
        f"\nflash oracle: {len(cases)} cases, {accepted} accepted ({accepted / len(cases):.0%}), "
        f"{rejected_count} rejected ({rejected_count / len(cases):.0%}; {sizing} GPU sizing, "
        f"{crashes} uncaught exceptions), {elapsed:.2f} s for generate + oracle "
        f"({cpu:.2f} s CPU)"
    )
    assert accepted >= MIN_SHARE * len(cases)
    assert rejected_count >= MIN_SHARE * len(cases)
    # CPU time, so a busy machine does not make this flaky (the two hanging cases burn CPU too).
    assert cpu < TIME_BUDGET_SECONDS
