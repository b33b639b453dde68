"""The Flash oracles themselves: each runs its release, offline, and says what that release says.

The quick tests are one sanity check per oracle (its release and code path, an accepted and a rejected
config, its wording of GPU-sizing rejections, the network guard). The `slow` ones test the third-party
parsers against their facts sheets (/work/shared/flash/parser-facts-*.md and the 1.0.1 source), compare
each oracle with its release's real `flash train` CLI on a sample of its corpus, and print statistics.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import tempfile
import tomllib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from corpus import Case, generate
from flash_oracle import (
    DIALECTS,
    VENVS,
    FlashVerdict,
    Oracle,
    OracleError,
    _decode,
    cached,
    oracle,
    verdicts_many,
    worker,
)

PROJECT = "123e4567-e89b-12d3-a456-426614174000"
SFT = {
    "0.2.43": 'model = "Qwen/Qwen3.5-4B"\n\n[environment]\nid = "acme/support-bot"\n\n[train]\nmax_examples = 100\n',
    "1.0.1": 'model = "Qwen/Qwen3.5-4B"\nseed = 7\n\n[environment]\nid = "acme/support-bot"\n\n'
    "[train]\nmax_examples = 100\nmax_context_tokens = 2048\n",
    "1.3.28": f'model = "Qwen/Qwen3.5-9B"\nproject = "{PROJECT}"\n\n'
    '[environment]\nid = "acme/support/bot"\n\n[train]\n',
}
GRPO = {
    "0.2.43": 'model = "Qwen/Qwen3.5-4B"\nalgorithm = "grpo"\n\n[environment]\nid = "acme/math-rl"\n\n[train]\n',
    "1.0.1": 'model = "Qwen/Qwen3.5-4B"\nalgorithm = "grpo"\n\n[environment]\nid = "acme/math-rl"\n\n[train]\n',
    "1.3.28": f'model = "Qwen/Qwen3.5-9B"\nproject = "{PROJECT}"\nalgorithm = "grpo"\n\n'
    '[environment]\nid = "acme/math/rl"\n\n[train]\n',
}
RELEASES = tuple(SFT)
SIZING_MESSAGE = {  # how each release words the rejection of a GRPO `lora_rank = 100000`
    "0.2.43": "no validated RunPod-provisionable GPU class has >= 3389 GB VRAM",
    "1.0.1": "no validated RunPod-provisionable GPU class has >= ",
    "1.3.28": "grpo needs >= 4786 GB VRAM, more than any 8-card validated GPU combination",
}


def rejected(verdict: FlashVerdict, message: str) -> bool:
    return not verdict.ok and verdict.message == message and not verdict.gpu_sizing


# ------------------------------------------------------------------------------------------------
# Quick sanity checks, one per oracle.


@pytest.mark.parametrize("release", RELEASES)
def test_oracle_runs_its_release_on_its_cli_path(release: str) -> None:
    info = oracle(release).hello()
    assert info["release"] == release
    assert Path(info["executable"]).is_relative_to(VENVS / release)
    expected = {
        "0.2.43": "spec_from_file + dry-run json.dumps",
        "1.0.1": "spec_and_train_keys_from_file(run_id=None) + spec_payload",
        "1.3.28": "spec_and_train_keys_from_file(run_id=None, project_required=True) + spec_payload",
    }
    assert info["path"] == expected[release]


@pytest.mark.parametrize("release", RELEASES)
def test_oracle_accepts_a_config_and_returns_the_resolved_spec(release: str) -> None:
    verdict = oracle(release).verdict(SFT[release])
    assert verdict == FlashVerdict(ok=True, message=None, gpu_sizing=False)
    assert verdict.spec is not None
    assert verdict.spec["model"] == tomllib.loads(SFT[release])["model"]
    assert verdict.spec["train"]["lora_rank"] == 32  # a default the release fills in


@pytest.mark.parametrize("release", RELEASES)
def test_oracle_reports_a_rejection_as_the_cli_prints_it(release: str) -> None:
    text = "\n".join(line for line in SFT[release].splitlines() if not line.startswith("model ="))
    verdict = oracle(release).verdict(text)
    assert verdict == FlashVerdict(ok=False, message="config must set `model`", gpu_sizing=False)
    assert verdict.spec is None


@pytest.mark.parametrize("release", RELEASES)
def test_oracle_recognises_its_release_gpu_sizing_rejections(release: str) -> None:
    verdict = oracle(release).verdict(GRPO[release] + "lora_rank = 100000\n")
    assert verdict.gpu_sizing
    assert verdict.message is not None
    assert verdict.message.startswith(SIZING_MESSAGE[release])


def test_network_attempts_are_an_oracle_error() -> None:
    with pytest.raises(OracleError, match="network"):
        oracle("1.3.28").network_probe()
    assert oracle("1.3.28").verdict(SFT["1.3.28"]).ok  # a fresh worker answers again


def test_a_missing_virtualenv_is_a_clear_error() -> None:
    with pytest.raises(OracleError, match="make flash-oracles"):
        Oracle("9.9.9").verdict("")


def test_spec_values_keep_their_toml_types_across_the_pipe() -> None:
    spec = {
        "date": datetime.date(2024, 1, 1),
        "datetime": datetime.datetime(2024, 1, 1, 7, 32, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        "time": datetime.time(7, 32, 0, 5),
        "big": 2**70,
        "nested": [{"inf": float("inf")}],
    }
    assert json.loads(json.dumps(spec, default=worker.json_default), object_hook=_decode) == spec


def test_many_cases_go_in_one_round_trip_and_are_memoised() -> None:
    cases = [Case(f"c{i}", SFT["1.0.1"].replace("100", str(i))) for i in range(5)]
    first = verdicts_many({"1.0.1": cases})["1.0.1"]
    assert [v.ok for v in first] == [False, True, True, True, True]  # SFT needs max_examples >= 1
    assert all(cached("1.0.1", c) is v for c, v in zip(cases, first, strict=True))


# ------------------------------------------------------------------------------------------------
# The third-party parsers, against their facts sheets.

V0 = "0.2.43"


@pytest.mark.slow
class TestFlash0243:
    def test_grpo_passes_without_max_examples(self) -> None:
        assert oracle(V0).verdict(GRPO[V0]).ok

    def test_grpo_table_is_an_unknown_section(self) -> None:
        message = (
            "unknown config section(s): grpo (allowed tables: environment, train, gpu, wandb, worker_env)"
            " — GRPO/SFT knobs (group_size, batch_size, max_tokens, …) belong under [train], not a"
            " [grpo]/[sft] table"
        )
        assert rejected(oracle(V0).verdict(GRPO[V0] + "\n[grpo]\ngroup_size = 8\n"), message)

    def test_unknown_scalars_and_arrays_of_tables_are_ignored(self) -> None:
        assert oracle(V0).verdict(GRPO[V0] + "\n[[grpo]]\ngroup_size = 8\n").ok
        assert oracle(V0).verdict("lora_rank = 999\n" + SFT[V0]).ok

    def test_lora_rank_cap_on_4b(self) -> None:
        assert oracle(V0).verdict(SFT[V0] + "lora_rank = 64\n").ok
        message = (
            "train.lora_rank=65 exceeds Qwen/Qwen3.5-4B's serving max_lora_rank=64; "
            "lower train.lora_rank or raise the serving cap after real-GPU validation"
        )
        assert rejected(oracle(V0).verdict(SFT[V0] + "lora_rank = 65\n"), message)

    def test_gpu_sizing_hang_times_out_as_a_sizing_rejection(self) -> None:
        verdict = oracle(V0).verdict(GRPO[V0] + "max_length = 9007199254740992\n")
        assert not verdict.ok
        assert verdict.gpu_sizing
        assert verdict.message is not None
        assert verdict.message.startswith("timeout: ")
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
    def test_set_overrides(self, sets: list[str], ok: bool, message: str | None) -> None:
        verdict = oracle(V0).verdict(SFT[V0], sets=sets)
        assert (verdict.ok, verdict.message) == (ok, message)

    def test_overlays_merge_tables_replace_lists_and_run_before_sets(self) -> None:
        base = SFT[V0].replace('id = "acme/support-bot"', 'id = "a/b"\nsecrets = ["HF_TOKEN"]')
        assert not oracle(V0).verdict(base).ok
        assert oracle(V0).verdict(base, overlays=['[environment]\nsecrets = ["SERVICE_KEY"]\n']).ok
        assert oracle(V0).verdict(SFT[V0], overlays=["train = 5\n"]).message == "[train] must be a table"
        assert oracle(V0).verdict(SFT[V0], overlays=["[train]\nlora_rank = 999\n"], sets=["train.lora_rank=8"]).ok

    def test_toml_syntax_error_uses_tomllib_text(self) -> None:
        text = 'model = "Qwen/Qwen3.5-4B\n'
        with pytest.raises(tomllib.TOMLDecodeError) as excinfo:
            tomllib.loads(text)
        assert rejected(oracle(V0).verdict(text), str(excinfo.value))
        message = "Expected ']' at the end of a table declaration (at line 1, column 7)"
        assert rejected(oracle(V0).verdict(SFT[V0], overlays=["[train\n"]), message)

    def test_dry_run_crashes_on_a_date_in_params(self) -> None:
        text = SFT[V0].replace("[train]", "params = { since = 2024-01-01 }\n\n[train]")
        message = "TypeError: Object of type date is not JSON serializable"
        assert oracle(V0).verdict(text) == FlashVerdict(ok=False, message=message, gpu_sizing=False)

    def test_uncatalogued_model_stays_offline(self) -> None:
        verdict = oracle(V0).verdict(SFT[V0].replace("Qwen/Qwen3.5-4B", "meta-llama/Llama-3.1-8B"))
        assert verdict.message is not None
        assert verdict.message.startswith("unsupported model 'meta-llama/Llama-3.1-8B'; choose one of:")


V1 = "1.0.1"


@pytest.mark.slow
class TestFlash101:
    def test_top_level_scalars_are_errors(self) -> None:
        message = "unknown config key(s): lora_rank (allowed tables: environment, train, gpu, wandb, worker_env)"
        assert rejected(oracle(V1).verdict("lora_rank = 8\n" + SFT[V1]), message)

    def test_seed_is_a_bounded_integer(self) -> None:
        assert oracle(V1).verdict(SFT[V1].replace("seed = 7", f"seed = {2**63 - 1}")).ok
        assert rejected(oracle(V1).verdict(SFT[V1].replace("seed = 7", "seed = 7.0")), "seed must be an integer")

    def test_save_at_steps_needs_max_steps(self) -> None:
        verdict = oracle(V1).verdict(SFT[V1] + "save_at_steps = [5]\n")
        assert rejected(verdict, "train.save_at_steps requires positive train.max_steps")
        assert oracle(V1).verdict(SFT[V1] + "save_at_steps = [5]\nmax_steps = 5\n").ok

    def test_no_sft_warm_start(self) -> None:
        message = (
            "train.init_from_adapter is supported only for GRPO and OPD continue-in-place runs; "
            "SFT adapter continuation is not supported"
        )
        assert rejected(oracle(V1).verdict(SFT[V1] + 'init_from_adapter = "run-1"\n'), message)
        assert oracle(V1).verdict(GRPO[V1] + 'init_from_adapter = "run-1/step-5"\n').ok

    def test_opd_teacher_is_resolved_to_its_fireworks_id(self) -> None:
        text = GRPO[V1].replace('"grpo"', '"opd"') + 'teacher_model = " GLM 5.2 "\n'
        verdict = oracle(V1).verdict(text)
        assert verdict.spec is not None
        assert verdict.spec["train"]["teacher_model"] == "accounts/fireworks/models/glm-5p2"
        assert not oracle(V1).verdict(text + "kl_penalty_coef = 0\n").ok

    def test_set_lists_split_on_commas(self) -> None:
        verdict = oracle(V1).verdict(SFT[V1], sets=['environment.secrets=["A,B", "C"]'])
        assert verdict.spec is not None
        assert verdict.spec["environment"]["secrets"] == ['"A', 'B"', '"C"']


V3 = "1.3.28"


@pytest.mark.slow
class TestFlash1328:
    def test_project_is_required_and_canonicalised(self) -> None:
        text = SFT[V3].replace(PROJECT, "{" + PROJECT.upper() + "}")
        verdict = oracle(V3).verdict(text)
        assert verdict.spec is not None
        assert verdict.spec["project"] == PROJECT
        missing = SFT[V3].replace(f'project = "{PROJECT}"\n', "")
        assert rejected(oracle(V3).verdict(missing), "project is required and must be nonblank")

    def test_environment_ids_have_three_parts(self) -> None:
        message = '[environment] id must be a Freesolo environment id (for example "your-org/your-project/your-env")'
        assert rejected(oracle(V3).verdict(SFT[V3].replace("acme/support/bot", "acme/bot")), message)

    def test_grpo_rollout_shape(self) -> None:
        assert oracle(V3).verdict(GRPO[V3] + "group_size = 4\n").ok
        message = "train.group_size must be one of {2, 4, 8, 16} for GRPO"
        assert rejected(oracle(V3).verdict(GRPO[V3] + "group_size = 3\n"), message)
        message = "train.prompts_per_step * train.group_size must be <= 512 for GRPO (got 64 * 16 = 1024)"
        assert rejected(oracle(V3).verdict(GRPO[V3] + "group_size = 16\n"), message)

    def test_inapplicable_knobs_pass_only_at_their_default(self) -> None:
        assert oracle(V3).verdict(SFT[V3] + 'credit_assignment = " PER_EPISODE "\n').ok
        message = (
            "train.temperature only applies to rollout algorithms (grpo, opd); "
            "SFT trains on dataset completions and never samples"
        )
        assert rejected(oracle(V3).verdict(SFT[V3] + "temperature = 1.0\n"), message)

    def test_a_date_in_params_passes_the_parse(self) -> None:
        """The parser accepts it (the submission's json.dumps crashes later: a warning for us)."""
        text = SFT[V3].replace("[train]", "params = { since = 2024-01-01 }\n\n[train]")
        assert oracle(V3).verdict(text).ok

    def test_set_lists_are_toml_arrays_first(self) -> None:
        verdict = oracle(V3).verdict(GRPO[V3], sets=['train.stop_sequences=["a,b", "c"]'])
        assert verdict.spec is not None
        assert verdict.spec["train"]["stop_sequences"] == ["a,b", "c"]

    def test_structured_outputs_with_thinking_prints_a_note(self) -> None:
        text = GRPO[V3].replace('algorithm = "grpo"', 'algorithm = "grpo"\nthinking = true')
        verdict = oracle(V3).verdict(text + 'max_context_tokens = 4096\nstructured_outputs = "json"\n')
        assert verdict.ok
        assert verdict.output.startswith("note: train.structured_outputs with thinking = true")


# ------------------------------------------------------------------------------------------------
# Each oracle against its release's real CLI, on a sample of its corpus.

LOGIN = "not logged in"  # where 1.x's `flash train` stops once the parse has passed (no credentials here)


def _cli(release: str, case: Case, workdir: Path) -> tuple[bool, str]:
    workdir.mkdir()
    (workdir / "config.toml").write_bytes(case.text.encode("utf-8", "surrogatepass"))
    # The console script, as users run it: 1.3 names itself in messages after how it was started.
    argv = [str(VENVS / release / "bin" / "flash"), "train", "config.toml", "--dry-run"]
    for i, overlay in enumerate(case.overlays):
        (workdir / f"overlay-{i}.toml").write_bytes(overlay.encode("utf-8", "surrogatepass"))
        argv += ["--config", f"overlay-{i}.toml"]
    argv += [f"--set={item}" for item in case.sets]
    env = {"PATH": os.environ["PATH"], "HOME": str(workdir), "FLASH_NO_UPDATE_CHECK": "1", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(  # fixed argv: the release's own interpreter and CLI
        argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if proc.returncode == 0:
        return True, ""
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    if lines[0].startswith("error: "):
        return False, proc.stderr.strip().removeprefix("error: ")
    return False, lines[-1]  # an uncaught exception: the traceback's last line


def _expected_cli(release: str, verdict: FlashVerdict) -> tuple[bool, str]:
    """What the CLI prints, given the oracle's verdict (1.x stops at the login after a good parse)."""
    if release == V0:
        return verdict.ok, verdict.message or ""
    if verdict.ok or (verdict.message or "").startswith("TypeError: Object of type"):
        return False, LOGIN
    return False, verdict.message or ""


def _sample(cases: Sequence[Case]) -> list[Case]:
    """~25 cases: every 50th, every 5th with overlays or `--set`s, never a hanging one."""
    picked = [c for i, c in enumerate(cases) if i % 50 == 0]
    picked += [c for c in cases if c.overlays or c.sets][::5]
    return [c for c in dict.fromkeys(picked) if not c.id.endswith("-hangs")]


@pytest.mark.slow
@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_oracle_matches_the_real_cli_on_a_sample(dialect: str) -> None:
    release = DIALECTS[dialect]
    sample = _sample(generate(dialect))
    verdicts = verdicts_many({release: sample})[release]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=4) as pool:
        dirs = [Path(tmp) / f"case-{i}" for i in range(len(sample))]
        cli = list(pool.map(_cli, [release] * len(sample), sample, dirs))
    mismatches = []
    for case, verdict, (cli_ok, cli_message) in zip(sample, verdicts, cli, strict=True):
        ok, message = _expected_cli(release, verdict)
        if cli_ok != ok or not cli_message.startswith(message if message != LOGIN else LOGIN):
            mismatches.append((case.id, verdict.message, cli_ok, cli_message))
    assert not mismatches


@pytest.mark.slow
def test_corpus_statistics() -> None:
    """Printed with `pytest -s`; read from the session's verdicts when the differential tests ran."""
    answers = verdicts_many({release: generate(dialect) for dialect, release in DIALECTS.items()})
    for dialect, release in DIALECTS.items():
        cases, verdicts = generate(dialect), answers[release]
        accepted = sum(v.ok for v in verdicts)
        sizing = sum(v.gpu_sizing for v in verdicts)
        crashes = sum(1 for v in verdicts if v.message and v.message.split(":")[0].endswith("Error"))
        print(
            f"\nflash {release} ({dialect}): {len(cases)} cases, {accepted} accepted ({accepted / len(cases):.0%}), "
            f"{len(cases) - accepted} rejected ({sizing} GPU sizing, {crashes} uncaught exceptions)"
        )
        assert 0 < sizing < len(cases) // 20
