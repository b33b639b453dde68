"""`flash-schema show`: the config a Flash release runs, proven against each release's own resolved spec.

The differential test asks each real parser (``tests/flash_oracle``, the session's cached verdicts)
for the spec it resolves (``JobSpec.to_dict()``) on every config of the dialect's corpora it
accepts, and holds ``Resolved.spec()`` to it value for value. The rest pins what `show` prints.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from corpus import DIALECTS, generate
from corpus.hand import hand_cases
from flash_oracle import FlashVerdict, OracleInput
from hypothesis import given, settings
from hypothesis import strategies as st
from ours import check
from speed import examples

from flash_schema.cli import main
from flash_schema.commands import CheckOptions, ShowOptions, run_check, run_show
from flash_schema.dialects import load_schema
from flash_schema.document import Document
from flash_schema.overrides import merge_all
from flash_schema.releases import dialect_release
from flash_schema.resolve import OMITTED, resolve_data
from flash_schema.show import render_json, render_toml, show_config
from flash_schema.toml_text import toml_key, toml_value

RELEASES = {d: dialect_release(d) for d in DIALECTS}
#: Each corpus must give the comparison this many accepted configs (it has ~350-420).
MIN_ACCEPTED = 300
#: Tables whose value the spec holds as one free-form mapping (compared whole).
FREE_FORM = ("params", "worker_env")

Verdicts = Callable[[str, OracleInput], FlashVerdict]


# -- the differential test -----------------------------------------------------------------------------


def _doc(content: str | bytes) -> Document:
    return Document.from_bytes(content) if isinstance(content, bytes) else Document.from_text(content)


def _merged(dialect: str, case: OracleInput) -> dict[str, Any]:
    lists = load_schema(dialect).get("x-flash-set-lists") == "toml"
    overlays = [(f"overlay-{i}.toml", _doc(o).data) for i, o in enumerate(case.overlays)]
    merged, _ = merge_all(_doc(case.text).data, overlays, case.sets, toml_lists=lists)
    return merged.data


def _fields(spec: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """A spec's fields as dotted keys, one level into each table (free-form tables whole)."""
    for key, value in spec.items():
        if isinstance(value, Mapping) and key not in FREE_FORM:
            for sub, inner in value.items():
                yield f"{key}.{sub}", inner
        else:
            yield key, value


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same JSON type (1 is not 1.0, True is not 1); lists and tuples alike."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def spec_mismatches(dialect: str, case: OracleInput, theirs: Mapping[str, Any]) -> list[str]:
    """Where our resolved spec differs from the release's (empty: it agrees on every field)."""
    owned = load_schema(dialect).get("x-flash-spec-owned", {})
    constants, computed = owned.get("constants", {}), owned.get("computed", {})
    ours = dict(_fields(resolve_data(_merged(dialect, case), dialect).spec()))
    out = []
    for key, value in _fields(theirs):
        if key in computed:
            continue  # the GPU Flash's sizing picks, the run id it assigns
        expected = constants[key] if key in constants else ours.get(key, OMITTED)
        if not same(expected, value):
            out.append(f"{key}: Flash holds {value!r}, we {expected!r}")
    out += [f"{key}: we hold {ours[key]!r}, Flash nothing" for key in ours if key not in dict(_fields(theirs))]
    return out


@pytest.mark.parametrize("dialect", DIALECTS)
def test_resolved_spec_agrees_with_flash(dialect: str, verdicts: Verdicts) -> None:
    """Every config the release accepts (generated and hand cases, with their `--config` overlays and
    `--set`s): each field of its resolved spec is the value we resolve, normalised the same way."""
    accepted = 0
    failures = []
    for case in [*generate(dialect), *hand_cases(dialect)]:
        flash = verdicts(dialect, case)
        if not flash.ok or flash.spec is None:
            continue
        accepted += 1
        found = spec_mismatches(dialect, case, flash.spec)
        if found:
            failures.append(f"{getattr(case, 'id', '?')}: " + "; ".join(found))
    assert accepted >= MIN_ACCEPTED
    assert not failures, f"{len(failures)} of {accepted} accepted configs differ:\n" + "\n".join(failures[:20])


# -- what show prints -----------------------------------------------------------------------------------


def shown(text: str, version: str = "1.3", overlays: Mapping[str, str] | None = None, sets: tuple[str, ...] = ()):
    docs = [(name, Document.from_text(body)) for name, body in (overlays or {}).items()]
    return show_config("configs/run.toml", Document.from_text(text), docs, sets, flash_version=version)


def toml_of(text: str, version: str = "1.3", **kw: Any) -> str:
    return render_toml(shown(text, version, **kw))


def lines_of(output: str) -> dict[str, str]:
    """`key = value  # note` lines by key (the last table's wins; enough for distinct keys)."""
    out = {}
    for line in output.splitlines():
        if " = " in line and not line.startswith("#"):
            key, _, rest = line.partition(" = ")
            value, hash_, note = rest.partition("  #")
            out[key] = f"{value.rstrip()}  # {note.strip()}" if hash_ else rest
    return out


PROJECT = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"
GRPO_13 = f"""\
model = "Qwen/Qwen3.5-9B"
project = "{{{PROJECT.upper()}}}"
algorithm = "GRPO"

[environment]
id = "acme/math/gsm8k"

[train]
lora_rank = 16
max_completion_tokens = 1024
"""


def test_values_are_normalised_and_defaults_filled_with_their_source() -> None:
    out = toml_of(GRPO_13)
    assert out.startswith("# configs/run.toml as Flash 1.3.28 runs it (from --flash-version)\n")
    got = lines_of(out)
    assert got["algorithm"] == '"grpo"'  # lowercased, as Flash stores it
    assert got["project"] == f'"{PROJECT}"'  # the canonical UUID (and not masked: it is no secret)
    assert got["lora_rank"] == "16"  # the file's own value: no comment
    assert got["lora_alpha"].split("#")[0].strip() == "32"  # 2 × the resolved rank, filled by the parser
    assert got["lora_alpha"].endswith("# default")
    assert got["seed"].endswith("# default")
    # Left for the training worker: the documented default, marked as such, computed from the
    # keys it depends on (GRPO's engine context is 2048 + the completion length).
    assert got["max_context_tokens"].split("#")[0].strip() == "3072"
    assert got["max_context_tokens"].endswith("# worker default")
    assert got["prompts_per_step"].split("#")[0].strip() == "64"
    assert got["credit_assignment"] == '"per_episode"  # default'
    # SFT-only and OPD-only keys have no effect under GRPO: not listed.
    assert "batch_size" not in got
    assert "teacher_model" not in got
    # A spec field with no default and no value (max_steps) is not invented.
    assert "max_steps" not in got
    assert tomllib.loads(out)["train"]["lora_alpha"] == 32


def test_overlays_and_sets_are_applied_with_flash_semantics_and_named() -> None:
    out = toml_of(
        GRPO_13,
        overlays={"configs/long.toml": "[train]\nepochs = 3\nlora_rank = 8\n"},
        sets=("train.learning_rate=2e-5", "thinking=true", "gpu.type=[h100, A100-80GB]"),
    )
    got = lines_of(out)
    assert got["epochs"] == "3  # from configs/long.toml"
    assert got["lora_rank"] == "8  # from configs/long.toml"
    assert got["lora_alpha"] == "16  # default"
    assert got["learning_rate"].startswith("2e-05")
    assert got["learning_rate"].endswith("# from --set")
    assert got["thinking"] == "true  # from --set"
    assert got["type"] == '["H100", "A100 SXM"]  # from --set'  # canonical classes
    # thinking raises the completion default, and the context follows the explicit completion.
    assert got["max_completion_tokens"] == "1024"
    assert got["max_context_tokens"].startswith("3072")


def test_a_warm_start_inherits_rank_and_alpha() -> None:
    text = GRPO_13.replace("lora_rank = 16\n", 'init_from_adapter = " run-1/final "\n')
    got = lines_of(toml_of(text))
    assert got["init_from_adapter"] == '"run-1/final"'  # trimmed
    assert "lora_rank" not in got
    assert "lora_alpha" not in got


def test_each_release_normalises_its_own_way() -> None:
    opd_10 = 'model = "Qwen/Qwen3.5-4B"\nalgorithm = "opd"\n[environment]\nid = "acme/env"\n[train]\n'
    got = lines_of(toml_of(opd_10 + 'teacher_model = "Kimi K2.6"\n', "1.0"))
    assert got["teacher_model"] == '"accounts/fireworks/models/kimi-k2p6"'  # 1.0 stores the model id
    got = lines_of(toml_of(opd_10, "1.0"))
    assert got["teacher_model"] == '"accounts/fireworks/models/glm-5p2"  # worker default'
    assert got["lora_alpha"] == "64  # default"  # not 2 × rank before 1.3
    opd_13 = f'model = "Qwen/Qwen3.5-9B"\nproject = "{PROJECT}"\nalgorithm = "opd"\n[environment]\nid = "a/b/c"\n'
    got = lines_of(toml_of(opd_13 + '[train]\nteacher_model = " GLM_5.3 "\n'))
    assert got["teacher_model"] == '"glm-5.3"'
    got = lines_of(toml_of(opd_13))
    assert got["teacher_model"] == '"glm-5.3"  # worker default'
    assert got["max_context_tokens"] == "1536  # worker default"  # 1024 + OPD's 512
    assert got["kl_penalty_coef"] == "1.0  # worker default"
    sft_0243 = 'model = "Qwen/Qwen3.5-4B"\nthinking = true\n[environment]\nid = "a/b"\n[train]\nmax_examples = 10\n'
    got = lines_of(toml_of(sft_0243 + 'lora_rank = 16.0\nstop_sequences = "x"\n[worker_env]\nFLAG = true\n', "0.2.43"))
    assert got["lora_rank"] == "16"  # a whole float is the integer
    assert got["max_length"] == "2048  # worker default"  # SFT with thinking
    assert got["stop_sequences"] == '["x"]'  # one string is one stop sequence
    assert got["FLAG"] == '"True"'  # [worker_env] values go through str()
    assert "steps" not in got  # GRPO-only: not listed under SFT


def test_an_invalid_config_prints_checks_diagnostics_and_nothing_else(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('model = "Qwen/Qwen3.5-9B"\n[train]\nlearnig_rate = 1\n', "utf-8")
    code, out, err = run_show(ShowOptions(str(bad), flash_version="1.3"))
    assert code == 1
    assert err == ""
    assert (code, out) == run_check(CheckOptions((str(bad),), flash_version="1.3", color="never"))[:2]
    assert "learnig_rate" in out
    assert "as Flash" not in out  # no partial config
    assert "lora_rank = " not in out
    code, out, _ = run_show(ShowOptions(str(bad), output_format="json", flash_version="1.3"))
    assert code == 1
    assert json.loads(out)["files"][0]["valid"] is False


def test_warnings_go_to_stderr_and_the_config_to_stdout(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text(GRPO_13, "utf-8")
    code, out, err = run_show(ShowOptions(str(path)))
    assert code == 0
    assert "non-canonical-algorithm" in err  # `"GRPO"` works, but is spelt unusually
    tomllib.loads(out)


def test_secrets_are_masked_and_identifiers_are_not() -> None:
    key = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789"
    sha = "0123456789abcdef0123456789abcdef01234567"
    text = GRPO_13.replace(
        'id = "acme/math/gsm8k"', f'id = "github:acme/env@{sha}:env.py"\nparams = {{ token = "{key}" }}'
    )
    out = toml_of(text)
    assert key not in out
    assert "sk-****" in out
    assert sha in out  # a commit in an environment id is shown as it is
    assert key not in render_json(shown(text))


def test_json_lists_every_value_and_its_source() -> None:
    document = json.loads(render_json(shown(GRPO_13, sets=("seed=7",))))
    assert document["flash_version"] == {"version": "1.3.28", "source": "option", "dialect": "1.3"}
    keys = {k["key"]: k for k in document["keys"]}
    assert keys["seed"] == {"key": "seed", "value": 7, "source": "set", "from": "--set seed=7"}
    assert keys["train.lora_alpha"]["source"] == "default"
    assert keys["train.save_every"] == {"key": "train.save_every", "value": 20, "source": "worker", "from": None}
    assert document["config"]["train"]["lora_rank"] == 16


def _accepted(dialect: str) -> Iterator[OracleInput]:
    release = RELEASES[dialect]
    for case in [*generate(dialect), *hand_cases(dialect)]:
        if check(case.text, case.overlays, case.sets, release).valid:
            yield case


@pytest.mark.slow  # every accepted corpus config shown and checked again: `make test` runs it
@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_output_is_a_config_that_runs_the_same(dialect: str) -> None:
    """`show`'s TOML is itself a config the release accepts, resolving to what it printed."""
    release = RELEASES[dialect]
    count = 0
    for case in _accepted(dialect):
        docs = [(f"o{i}.toml", _doc(o)) for i, o in enumerate(case.overlays)]
        first = show_config("c.toml", _doc(case.text), docs, case.sets, flash_version=release)
        assert first.resolved is not None
        out = render_toml(first)
        if "****" in out:
            continue  # a masked secret: not the same value any more
        again = show_config("c.toml", Document.from_text(out), flash_version=release)
        assert again.resolved is not None, f"{getattr(case, 'id', '?')}: {again.check.diagnostics}\n{out}"
        before = {v.key: v.value for v in first.resolved.shown()}
        after = {v.key: v.value for v in again.resolved.shown()}
        assert same(after, before), getattr(case, "id", "?")
        count += 1
    assert count >= MIN_ACCEPTED


# -- TOML writing -----------------------------------------------------------------------------------------

_SCALARS = (
    st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.dates() | st.datetimes() | st.times()
)
_VALUES = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=12
)


@settings(max_examples=examples(300), deadline=None)
@given(st.dictionaries(st.text(min_size=0), _VALUES, max_size=5))
def test_written_values_read_back_the_same(table: dict[str, Any]) -> None:
    source = "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in table.items())
    assert tomllib.loads(source) == _as_toml(table)


def _as_toml(value: Any) -> Any:
    """What tomllib gives back: lone surrogates are replaced, as the writer does."""
    if isinstance(value, str):
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
    if isinstance(value, dict):
        return {_as_toml(k): _as_toml(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_toml(v) for v in value]
    return value


# -- the command line -------------------------------------------------------------------------------------


def test_cli_reads_standard_input_and_formats_json() -> None:
    result = CliRunner().invoke(main, ["show", "-", "--flash-version", "1.3", "--format", "json"], input=GRPO_13)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["config"]["algorithm"] == "grpo"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.toml"], "missing.toml: no such file"),
        (["-", "--config", "missing.toml"], "overlay missing.toml: no such file"),
        (["-", "--flash-version", "banana"], "is not a Flash version"),
    ],
)
def test_cli_usage_and_io_problems_exit_2_in_one_line(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["show", *args], input=GRPO_13)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_cli_a_bad_set_is_a_diagnostic() -> None:
    result = CliRunner().invoke(
        main, ["show", "-", "--flash-version", "1.3", "--set", "train.lora_rank"], input=GRPO_13
    )
    assert result.exit_code == 1
    assert "invalid-set" in result.stdout


def test_cli_a_value_too_deep_to_print_is_one_line(tmp_path: Path) -> None:
    """Dotted keys nest tables without limit (Flash accepts them): no traceback, exit 2."""
    deep = tmp_path / "deep.toml"
    deep.write_text(GRPO_13.replace("[train]", "[environment.params]\n" + ".".join(["k"] * 1200) + " = 1\n[train]"))
    for extra in ([], ["--set", "seed=1"]):
        result = CliRunner().invoke(main, ["show", str(deep), "--flash-version", "1.3", *extra])
        assert result.exit_code == 2, result.output
        assert result.stderr == f"flash-schema: error: {deep}: a value is nested too deeply to show\n"
