"""Hermetic: nothing ever touches the network.

Every dialect's schema references resolve from the packaged file; a ``$schema`` key or a
``#:schema`` directive naming a URL in a user's config is never fetched, and picking the Flash
release (a pin file, the installed package) reads local files only. The CLI and the language
server run here with sockets disabled by a ``sitecustomize`` module (any connect or name lookup
writes a marker file and fails) and must give exactly the results they give with the network
available.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flash_schema import dialects
from flash_schema.checker import check_document
from flash_schema.document import Document

ROOT = Path(__file__).resolve().parent.parent

CONFIG = """\
#:schema https://example.invalid/s.json
"$schema" = "https://example.invalid/x.json"
model = "Qwen/Qwen3.5-4B"

[environment]
id = "github:your-org/env@main:envs/gsm8k.py"
pip = ["https://example.invalid/pkg.whl"]

[train]
max_examples = 100
"""
#: The Flash release the temporary project pins (a 0.2.43 config: `$schema` is a key it ignores).
PIN = '[project]\nname = "p"\nversion = "0"\ndependencies = ["freesolo-flash==0.2.43"]\n'
#: The schema's own `$id` as a directive: the server serves the file, and still fetches nothing.
FLASH_ID = "https://raw.githubusercontent.com/flash-schema/flash-schema/main/schema/flash.schema.json"
SERVED = CONFIG.replace("https://example.invalid/s.json", FLASH_ID)

SITECUSTOMIZE = '''
"""Installed by tests/test_hermetic.py: the network is off for this interpreter."""
import os
import socket

_MARKER = os.environ["FLASH_SCHEMA_NET_MARKER"]


def _blocked(*args, **kwargs):
    with open(_MARKER, "a", encoding="utf-8") as fh:
        fh.write(f"pid {os.getpid()}: {args[1:] or args!r}\\n")
    raise OSError("network access is disabled (tests/test_hermetic.py)")


socket.socket.connect = _blocked
socket.socket.connect_ex = _blocked
socket.socket.sendto = _blocked
socket.getaddrinfo = _blocked
socket.gethostbyname = _blocked
socket.create_connection = _blocked
'''


@pytest.fixture
def offline(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose Python interpreters cannot reach the network, and its marker file."""
    site = tmp_path / "offline-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    marker = tmp_path / "network-was-touched"
    paths = [str(site), str(ROOT), str(ROOT / "lsp"), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "FLASH_SCHEMA_NET_MARKER": str(marker)}
    env.pop("NO_COLOR", None)
    return env, marker


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "flash_schema", *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, cwd=cwd, timeout=60, check=False)


@pytest.mark.slow
def test_the_network_block_works(offline: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    """Positive control: with the sitecustomize in place, a lookup fails and leaves the marker."""
    env, marker = offline
    probe = "import socket\ntry:\n    socket.getaddrinfo('example.invalid', 443)\nexcept OSError as e:\n    print(e)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert "network access is disabled" in done.stdout
    assert marker.exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["check", "config.toml"],
        ["check", "--format", "json", "config.toml"],
        ["check", "--format", "github", "-c", "overlay.toml", "--set", "wandb.project=https://example.invalid", "-"],
        ["check", "--flash-version", "1.3", "--format", "json", "config.toml"],
        ["export", "--dialect", "2020-12"],
        ["export", "--flash-version", "0.2.43"],
        ["docs", "--check", "--dir", "docs"],
        ["--version"],
    ],
    ids=["check", "check-json", "check-overlay-stdin", "check-1.3", "export", "export-0.2.43", "docs", "version"],
)
def test_cli_offline_gives_the_same_results(
    args: list[str], offline: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, marker = offline
    (tmp_path / "pyproject.toml").write_text(PIN)
    (tmp_path / "config.toml").write_text(CONFIG)
    (tmp_path / "overlay.toml").write_text('#:schema https://example.invalid/o.json\n"$schema" = "https://x.invalid"\n')
    stdin = CONFIG if "-" in args else None
    online = run(args, tmp_path, stdin=stdin)
    cut_off = run(args, tmp_path, env, stdin=stdin)
    assert not marker.exists(), marker.read_text()
    assert (cut_off.returncode, cut_off.stdout, cut_off.stderr) == (online.returncode, online.stdout, online.stderr)
    assert cut_off.returncode in (0, 1)


@pytest.mark.slow
def test_schema_urls_in_a_config_are_only_data(offline: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    """`$schema` is a top-level key Flash 0.2.43 ignores (a warning) and Flash 1.3 rejects (an
    error), the directive a comment: both are reported or skipped, never followed. The release
    comes from the project's pin file, read offline."""
    env, marker = offline
    (tmp_path / "pyproject.toml").write_text(PIN)
    (tmp_path / "config.toml").write_text(CONFIG)
    done = run(["check", "--format", "json", "config.toml"], tmp_path, env)
    assert not marker.exists()
    (file,) = json.loads(done.stdout)["files"]
    assert file["flash_version"]["version"] == "0.2.43"
    assert Path(file["flash_version"]["source"]).name == "pyproject.toml"
    assert file["valid"], file
    assert [(d["key"], d["severity"]) for d in file["diagnostics"]] == [('"$schema"', "warning")]
    done = run(["check", "--flash-version", "1.3", "--format", "json", "config.toml"], tmp_path, env)
    assert not marker.exists()
    (file,) = json.loads(done.stdout)["files"]
    assert ('"$schema"', "error") in [(d["key"], d["severity"]) for d in file["diagnostics"]]


@pytest.mark.parametrize("dialect", dialects.DIALECTS)
def test_every_schema_reference_resolves_offline(monkeypatch: pytest.MonkeyPatch, dialect: str) -> None:
    """In process: every `$ref` of each dialect's packaged schema resolves from the schema itself,
    and a reference to anything else fails without a connection attempt."""
    from referencing.exceptions import Unresolvable

    attempts: list[Any] = []

    def blocked(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network disabled")

    monkeypatch.setattr(socket.socket, "connect", blocked)
    monkeypatch.setattr(socket, "getaddrinfo", blocked)
    schema, registry = dialects.load_schema(dialect), dialects.registry(dialect)
    resolver = registry.resolver(base_uri=str(schema.get("$id", "")))
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert refs, "the schema has no `$ref` to resolve"
    for ref in refs:
        assert not ref.startswith(("http:", "https:")) or ref.startswith(str(schema["$id"])), ref
        assert resolver.lookup(ref).contents is not None
    for outside in ("https://example.invalid/x.json", "http://json-schema.org/draft-07/schema#"):
        with pytest.raises(Unresolvable):
            resolver.lookup(outside)
    check_document(Document.from_text(CONFIG), dialect)
    assert attempts == []


@pytest.mark.e2e
def test_language_server_offline(offline: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    """The server, with sockets disabled: the same diagnostics as the core, hover and completion
    on the `$schema` key and the directive, and no connection attempt."""
    from lspclient import Client

    env, marker = offline
    (tmp_path / "configs").mkdir()
    served = (tmp_path / "configs" / "remote-schema.toml").as_uri()
    foreign = (tmp_path / "configs" / "other-schema.toml").as_uri()  # names another schema: not served
    with Client(env=env, cwd=str(tmp_path)) as client:
        client.initialize(tmp_path)
        client.open(foreign, CONFIG)
        client.open(served, SERVED)
        diagnostics = client.wait_diagnostics(served, 1)
        for line, character in [(0, 12), (1, 3), (1, 20), (6, 10)]:
            position = {"line": line, "character": character}
            for uri in (served, foreign):
                client.call("textDocument/hover", {"textDocument": {"uri": uri}, "position": position})
                client.call("textDocument/completion", {"textDocument": {"uri": uri}, "position": position})
            assert client.call("textDocument/hover", {"textDocument": {"uri": foreign}, "position": position}) is None
        assert client.shutdown() == 0
    assert not marker.exists(), marker.read_text()
    assert foreign not in client.diagnostics or client.diagnostics[foreign]["diagnostics"] == []
    expected = check_document(Document.from_text(SERVED))
    assert sorted(d["code"] for d in diagnostics) == sorted(d.code for d in expected)
    assert "Traceback" not in client.stderr
