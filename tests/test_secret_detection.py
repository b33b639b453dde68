"""Secret detection measured on a labelled set (tests/data/secrets-labelled.toml).

At least 200 realistic non-secrets (Hugging Face model ids, git SHAs, UUIDs, dataset and run names, URLs,
paths, tokenizer tokens, variable names…) are never masked or warned about; at least 50 credentials in real
formats (OpenAI, Anthropic, Hugging Face, GitHub, AWS, W&B, Slack, Google, Stripe, JWT, private keys, `fslo_`,
and values of no known format under a credential's name) are always warned about and never printed: not by any
output format of the CLI, not by the language server's diagnostics or hover. Both counts must be zero.
"""

from __future__ import annotations

import json
import time
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner

from flash_schema.checker import check_text
from flash_schema.cli import main
from flash_schema.document import Document
from flash_schema.secrets import redact, secret_kind

#: These configs are written for Flash 0.2.43: every check names that release.
RELEASE = ("--flash-version", "0.2.43")

ROOT = Path(__file__).resolve().parent.parent
LABELLED = tomllib.loads((ROOT / "tests" / "data" / "secrets-labelled.toml").read_text("utf-8"))


class Entry(NamedTuple):
    kind: str
    key: str
    value: str
    body: str = ""  # a secret's random part: no 6 characters of it may be shown

    @property
    def line(self) -> str:
        return f"{_toml_key(self.key)} = {_toml_str(self.value)}"


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else _toml_str(key)


NON_SECRETS = [Entry(e["kind"], e["key"], e["value"]) for e in LABELLED["non_secret"]]
SECRETS = [
    Entry(e["kind"], e["key"], e["prefix"] + e["body"] + e.get("suffix", ""), e["body"]) for e in LABELLED["secret"]
]
PARAMS = ("environment", "params")


def leaked(output: str, secrets: list[Entry] = SECRETS) -> list[str]:
    """The secrets of which any 6 characters of the random part appear in ``output``."""
    return [f"{s.kind} {s.key}" for s in secrets if any(s.body[i : i + 6] in output for i in range(len(s.body) - 5))]


def test_the_labelled_set() -> None:
    assert len(NON_SECRETS) >= 200
    assert len(SECRETS) >= 50
    kinds = {"hf-model-id", "git-sha", "uuid", "dataset-name", "run-name", "url", "path"}
    assert kinds <= {e.kind for e in NON_SECRETS}
    wanted = {"openai", "anthropic", "huggingface", "github", "aws", "wandb", "slack", "google", "flash"}
    assert wanted <= {e.kind for e in SECRETS}
    assert len({(e.key, e.value) for e in NON_SECRETS}) == len(NON_SECRETS)


# -- the detector: no false positives, no misses ------------------------------------------------------------


def test_no_false_positives() -> None:
    """No non-secret is recognised as a secret (under its key), masked alone or masked in its source line."""
    wrong = [
        (e.kind, e.key, e.value)
        for e in NON_SECRETS
        if secret_kind(e.value, (*PARAMS, e.key)) or redact(e.value) != e.value or redact(e.line) != e.line
    ]
    assert wrong == []


def test_no_misses() -> None:
    """Every secret is recognised under its key, and masked in its source line."""
    missed = [(e.kind, e.key) for e in SECRETS if secret_kind(e.value, (*PARAMS, e.key)) is None]
    assert missed == []
    assert leaked("\n".join(redact(e.line) for e in SECRETS)) == []


def test_a_git_sha_is_a_wandb_key_only_under_a_wandb_name() -> None:
    sha = "3f786850e387550fdab836ed7e6dc881de23001b"
    assert secret_kind(sha, (*PARAMS, "commit")) is None
    assert secret_kind(sha, ("worker_env", "GIT_COMMIT")) is None
    assert secret_kind(sha, ("worker_env", "WANDB_API_KEY")) == "a W&B API key"
    assert secret_kind(sha, ("wandb", "api_key")) == "a W&B API key"
    assert redact(f'revision = "{sha}"') == f'revision = "{sha}"'
    assert redact(f'WANDB_API_KEY = "{sha}"') == 'WANDB_API_KEY = "3f7****"'
    assert redact(f"--set worker_env.WANDB_API_KEY={sha}") == "--set worker_env.WANDB_API_KEY=3f7****"


def test_the_issue_config_passes_strict() -> None:
    """Issue 10: a commit SHA in `[environment.params]` made `--strict` fail a config Flash accepts."""
    config = (
        'model = "Qwen/Qwen3.5-4B"\n\n[environment]\nid = "acme/math"\n\n[environment.params]\n'
        'commit = "3f786850e387550fdab836ed7e6dc881de23001b"\nrun = "b634aae2-e119-4ce8-b2cd-fd47a5a5c1e0"\n\n'
        "[train]\nmax_examples = 100\n"
    )
    result = CliRunner().invoke(main, ["check", *RELEASE, "--strict", "-"], input=config)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "1 file valid for Flash 0.2.43 (from --flash-version)\n"


@pytest.mark.parametrize("model", [e.value for e in NON_SECRETS if e.kind == "hf-model-id" and e.key == "model"])
def test_a_model_id_is_shown_as_written(model: str) -> None:
    """Issue 10: `model = "meta-llama/Llama-3.1-8B-Instruct"` was reported as `not "met****"`, caret gone."""
    text = f'model = "{model}"\n\n[environment]\nid = "acme/math"\n\n[train]\nmax_examples = 100\n'
    result = CliRunner().invoke(main, ["check", *RELEASE, "--color", "never", "-"], input=text)
    assert "****" not in result.stdout
    if result.exit_code == 0:
        return  # a catalog model: nothing to report
    lines = result.stdout.splitlines()
    source = f'   1 | model = "{model}"'
    caret = lines[lines.index(source) + 1]
    assert caret == "     | " + " " * len("model = ") + "^" * (len(model) + 2)


# -- every output: the CLI, the editor -----------------------------------------------------------------------

HEAD = 'model = "Qwen/Qwen3.5-4B"\n\n[environment]\nid = "acme/math"\n\n[train]\nmax_examples = 100\n'


def _tables(entries: list[Entry], prefix: str) -> str:
    """Each entry under its own key in its own `[environment.params.<prefix>NNN]` table."""
    return "".join(f"\n[environment.params.{prefix}{i:03}]\n{e.line}\n" for i, e in enumerate(entries))


SECRETS_CONFIG = HEAD + _tables(SECRETS, "s")
NON_SECRETS_CONFIG = HEAD + _tables(NON_SECRETS, "n")
FORMATS = [
    ["--format", "text", "--color", "never"],
    ["--format", "text", "--color", "always"],
    ["--format", "text", "-q", "--strict"],
    ["--format", "json"],
    ["--format", "github"],
]


def _secret_lines(text: str) -> list[int]:
    """0-based numbers of the lines that hold a secret, in order."""
    return [i for i, line in enumerate(text.splitlines()) if any(s.line == line for s in SECRETS)]


def test_every_secret_is_warned_about_at_its_line() -> None:
    doc = Document.from_text(SECRETS_CONFIG)
    warned = sorted(
        {doc.position(d.span.start)[0] for d in check_text(SECRETS_CONFIG, RELEASE[1]) if d.code == "secret-value"}
    )
    assert warned == _secret_lines(SECRETS_CONFIG)
    assert len(warned) == len(SECRETS)


def test_no_non_secret_is_warned_about_or_masked() -> None:
    diagnostics = check_text(NON_SECRETS_CONFIG, RELEASE[1])
    assert [d for d in diagnostics if d.code == "secret-value"] == []
    for args in FORMATS:
        result = CliRunner().invoke(main, ["check", *RELEASE, *args, "-"], input=NON_SECRETS_CONFIG)
        assert "****" not in result.stdout, args


@pytest.mark.parametrize("args", FORMATS, ids=[" ".join(a) for a in FORMATS])
def test_no_output_format_prints_a_secret(args: list[str]) -> None:
    result = CliRunner().invoke(main, ["check", *RELEASE, *args, "-"], input=SECRETS_CONFIG, color=True)
    assert result.exit_code == (1 if "--strict" in args else 0)  # warnings: Flash accepts the config
    assert ("secret-value" in result.stdout) is ("-q" not in args)
    assert leaked(result.stdout + result.stderr) == []


def test_secrets_elsewhere_are_never_printed(tmp_path: Path) -> None:
    """In `[worker_env]` (Flash rejects credential names there), at the top level, in `[wandb]`, in an
    overlay and in `--set`: wherever a diagnostic quotes the line, the key or the argument."""
    worker_env = "".join(f"{_toml_key(s.key.upper().replace('-', '_'))} = {_toml_str(s.value)}\n" for s in SECRETS)
    text = HEAD.replace("[environment]", f"{SECRETS[0].line}\n\n[wandb]\n{SECRETS[1].line}\n\n[environment]")
    text += f"\n[worker_env]\n{worker_env}"
    overlay = tmp_path / "overlay.toml"
    overlay.write_text(f"[train]\n{SECRETS[2].line}\n", "utf-8")
    sets = [arg for s in SECRETS[3:12] for arg in ("--set", f"train.{s.key}={s.value}")]
    sets += [arg for s in SECRETS[12:20] for arg in ("--set", f"{s.value}")]
    for args in FORMATS:
        result = CliRunner().invoke(
            main, ["check", *RELEASE, *args, "-c", str(overlay), *sets, "-"], input=text, color=True
        )
        assert result.exit_code == 1
        assert leaked(result.stdout + result.stderr) == [], args


def test_the_editor_never_shows_a_secret() -> None:
    """The server's features: diagnostics and hover everywhere on every secret's line."""
    from flash_schema_lsp.features.diagnostics import for_editor
    from flash_schema_lsp.features.hover import hover

    from flash_schema.checker import check_document
    from flash_schema.schema_index import get_index

    index = get_index("0.2.43")
    doc = Document.from_text(SECRETS_CONFIG)
    said: list[Any] = [(d.message, d.code, d.path) for d in for_editor(check_document(doc, "0.2.43"))]
    starts = [0]
    for line in SECRETS_CONFIG.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    for number in _secret_lines(SECRETS_CONFIG):
        # The table header above too, where hover has something to say: the test is not vacuous.
        for offset in range(starts[number - 1], starts[number + 1], 2):
            found = hover(doc, index, offset)
            said.append(found and found.markdown)
    assert sum(1 for s in said if isinstance(s, str) and "environment.params" in s) > len(SECRETS)
    assert leaked(json.dumps(said)) == []


# -- linear time ------------------------------------------------------------------------------------------------

ADVERSARIAL = {
    "token run": "Ab1" * 40_000,
    "JWT starts": "eyJ" * 40_000,
    "JWT no dot": "eyJ" + "a" * 120_000,
    "prefixes": "sk-proj-hf_ghp_AKIAxoxb-" * 5_000,
    "assignments": "api_key=" * 15_000,
    "names": "a_token " * 15_000,
    "private keys": "-----BEGIN PRIVATE KEY-----" * 4_500,
    "separators": "a-b_c/d+e=" * 12_000,
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_redact_is_linear(text: str) -> None:
    """4x the input takes about 4x the time (at most 10x: a quadratic pattern would take 16x)."""

    def timed(t: str) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            redact(t)
            best = min(best, time.perf_counter() - start)
        return best

    small, big = timed(text[: len(text) // 4]), timed(text)
    assert big < 2.0
    assert big < 10 * small + 0.01, (small, big)


# -- end to end: the real server ------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_language_server_never_says_a_secret(tmp_path: Path) -> None:
    from lspclient import Client

    uri = (tmp_path / "run.flash.toml").as_uri()
    doc = {"uri": uri}
    with Client(cwd=str(tmp_path)) as client:
        client.initialize(tmp_path)
        client.open(uri, SECRETS_CONFIG)
        published = client.wait_diagnostics(uri, 1)
        lines = SECRETS_CONFIG.splitlines()
        for number in _secret_lines(SECRETS_CONFIG)[::4]:
            for character in range(0, len(lines[number]) + 1, 5):
                position = {"line": number, "character": character}
                client.call("textDocument/hover", {"textDocument": doc, "position": position})
        assert client.shutdown() == 0
    codes = [d["code"] for d in published]
    assert codes.count("secret-value") == len(SECRETS)
    assert leaked(client.output) == []
    assert leaked(client.stderr) == []
