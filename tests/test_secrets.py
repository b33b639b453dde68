"""Secrets never leak: canary credentials planted in a config, an overlay and `--set` appear in no
output of the CLI (every format, quiet, colour) and in nothing the language server says
(diagnostics, hover, completion, log and show messages, stderr). README: "Secret-looking values are
never printed by any output format: they are masked, in messages and in the quoted source lines"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flash_schema.cli import main

ROOT = Path(__file__).resolve().parent.parent

#: These configs are written for Flash 0.2.43 ([worker_env] is gone from 1.1.40 on).
RELEASE = ("--flash-version", "0.2.43")

CANARIES = {
    "openai": "sk-proj-CANARYoa7Hq2Lw9Zx4Rt6Y",
    "github": "ghp_CANARYgh3Kd8Pm1Vn5Bq7Wc2Xz",
    "huggingface": "hf_CANARYhf6Tj2Ns9Qe4Lr8Mu1Yk",
    "aws": "AKIACANARY7Q2X9Z4W8V",
    "random": "CANARYrn9fK2xQ7mLp4ZtR8vW1bN6cJ3hY5s",
    # Planted where a mistake is likely: a value without quotes, a wrong type, a --set.
    "bare": "hf_CANARYbr4Gx8Dk2Pw6Hs1Jn9Fv",
    "typed": "ghp_CANARYty5Mv3Qa8Ze1Wb6Nc4Lh",
    "set-value": "sk-proj-CANARYsv2Rp7Xk4Bd9Tm6Gq",
    "set-no-equals": "sk-proj-CANARYne8Hw3Jc5Ly1Vs7Fz",
    "set-path": "ghp_CANARYsp6Dn1Kq9Tx4Rb2Mw8Pj",
    "overlay": "hf_CANARYov3Zs7Gm2Ny9Qc5Hd1Lt",
}
C = CANARIES

CONFIG = f"""\
model = "Qwen/Qwen3.5-4B"

[environment]
id = "your-org/your-env"

[environment.params]
api_key = "{C["huggingface"]}"
endpoint_token = "{C["random"]}"
bare = {C["bare"]}

[train]
max_examples = 100
lora_rank = "{C["typed"]}"

[worker_env]
OPENAI_API_KEY = "{C["openai"]}"
GH = "{C["github"]}"
AWS_ACCESS_KEY_ID = "{C["aws"]}"
"""
OVERLAY = f'[worker_env]\nHF_TOKEN = "{C["overlay"]}"\n\n[environment.params]\nkey = "{C["overlay"]}"\n'
SETS = [
    f"worker_env.API_TOKEN={C['set-value']}",
    f"train.learning_rate={C['set-value']}",
    C["set-no-equals"],
    f"model.{C['set-path']}=1",
]


def leaks(output: str) -> dict[str, str]:
    """Canaries found in ``output``: any 6 characters of the part after "CANARY" (unique to each;
    masking keeps only the first 3 characters of a secret)."""
    found = {}
    for name, secret in CANARIES.items():
        tail = secret.split("CANARY", 1)[1]
        for i in range(len(tail) - 5):
            if tail[i : i + 6] in output:
                found[name] = tail[i : i + 6]
                break
    return found


def test_the_canaries_reach_the_output(tmp_path: Path) -> None:
    """Guard against a vacuous pass: every canary's line or argument is reported (masked)."""
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    overlay = tmp_path / "overlay.toml"
    overlay.write_text(OVERLAY)
    result = CliRunner().invoke(
        main, ["check", *RELEASE, "--format", "json", "-c", str(overlay), *_sets(), str(config)]
    )
    report = json.loads(result.stdout)
    shown = json.dumps(report)
    assert "****" in shown
    lines = {(d["file"], d["line"]) for f in report["files"] for d in f["diagnostics"]}
    assert (str(config), 7) in lines  # api_key
    assert (str(config), 16) in lines  # OPENAI_API_KEY
    assert any(file == str(overlay) for file, _ in lines)
    origins = [d["origin"] for f in report["files"] for d in f["diagnostics"] if d["origin"]]
    assert len(origins) >= 3


def _sets() -> list[str]:
    return [arg for item in SETS for arg in ("--set", item)]


FORMATS = [
    ["--format", "text", "--color", "never"],
    ["--format", "text", "--color", "always"],
    ["--format", "text", "--color", "always", "-q"],
    ["--format", "json"],
    ["--format", "json", "-q"],
    ["--format", "github"],
    ["--format", "github", "-q", "--strict"],
]


@pytest.mark.parametrize("args", FORMATS, ids=[" ".join(a) for a in FORMATS])
def test_cli_output_masks_every_secret(args: list[str], tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    overlay = tmp_path / "overlay.toml"
    overlay.write_text(OVERLAY)
    result = CliRunner().invoke(main, ["check", *RELEASE, *args, "-c", str(overlay), *_sets(), str(config)], color=True)
    assert result.exit_code == 1
    assert leaks(result.stdout + result.stderr) == {}


def test_cli_subprocess_masks_every_secret(tmp_path: Path) -> None:
    """The real command (stdout and stderr), config given on standard input."""
    overlay = tmp_path / "overlay.toml"
    overlay.write_text(OVERLAY)
    done = subprocess.run(
        [sys.executable, "-m", "flash_schema", "check", "-c", str(overlay), *_sets(), "-"],
        input=CONFIG.encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    output = (done.stdout + done.stderr).decode()
    assert leaks(output) == {}


@pytest.mark.parametrize(
    ("line", "where"),
    [
        (f"api_key = {C['bare']}", "a syntax error's hint quotes the bare word"),
        (f'api_key = "{C["huggingface"]}', "an unterminated string"),
        (f'api_key = "{C["huggingface"]}" junk', "text after the value"),
        (f"{C['github']} = 1", "a key named like a token"),
        (f'[environment.params."{C["github"]}"]', "a table named like a token"),
    ],
)
def test_syntax_errors_mask_secrets(line: str, where: str) -> None:
    text = CONFIG.replace(f"bare = {C['bare']}\n", "").replace(f'api_key = "{C["huggingface"]}"', line)
    result = CliRunner().invoke(main, ["check", *RELEASE, "--format", "json", "-"], input=text)
    assert result.exit_code == 1
    assert leaks(result.stdout) == {}, where


# -- the language server -----------------------------------------------------------------------------------


@pytest.mark.e2e
def test_language_server_masks_every_secret(tmp_path: Path) -> None:
    from lspclient import Client

    (tmp_path / "configs").mkdir()
    uri = (tmp_path / "configs" / "secret.toml").as_uri()
    lines = CONFIG.splitlines()
    said: list[object] = []
    with Client(cwd=str(tmp_path)) as client:
        client.initialize(tmp_path)
        client.open(uri, CONFIG)
        said.append(client.wait_diagnostics(uri, 1))
        doc = {"uri": uri}
        for number, line in enumerate(lines):
            if not any(secret in line for secret in CANARIES.values()):
                continue
            for character in range(0, len(line) + 1, 3):
                position = {"line": number, "character": character}
                said.append(client.call("textDocument/hover", {"textDocument": doc, "position": position}))
                said.append(client.call("textDocument/completion", {"textDocument": doc, "position": position}))
        everything = {"start": {"line": 0, "character": 0}, "end": {"line": len(lines), "character": 0}}
        context = {"diagnostics": client.diagnostics[uri]["diagnostics"]}
        said.append(
            client.call("textDocument/codeAction", {"textDocument": doc, "range": everything, "context": context})
        )
        # An edit that breaks the syntax on a secret's line, then the diagnostics of that version.
        client.change(uri, CONFIG.replace(f'api_key = "{C["huggingface"]}"', f"api_key = {C['huggingface']}"), 2)
        said.append(client.wait_diagnostics(uri, 2))
        assert client.shutdown() == 0
    messages = [n for n in client.notifications if n["method"] in ("window/logMessage", "window/showMessage")]
    assert leaks(json.dumps(said)) == {}
    assert leaks(json.dumps(messages)) == {}
    assert leaks(client.stderr) == {}
