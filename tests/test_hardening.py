"""Hardening: a bounded run of the coverage-guided fuzzer, the saved corpus, and a shortened soak
of the language server (the full ones: `make fuzz`, `python fuzz/soak.py`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"


def test_fuzz_corpus_replays_cleanly() -> None:
    """Every saved input (and every seed built from the repository's configs) passes: the inputs
    that once crashed something stay fixed."""
    import targets

    targets.load()
    inputs = {f.name: f.read_bytes() for f in (FUZZ / "corpus").iterdir() if f.is_file()}
    inputs.update(targets.seed_inputs())
    for name, data in sorted(inputs.items()):
        try:
            targets.one_input(data)
        except Exception as exc:
            pytest.fail(f"{name}: {type(exc).__name__}: {exc}")


def test_fuzz_corpus_stays_small() -> None:
    files = [f for f in (FUZZ / "corpus").iterdir() if f.is_file()]
    assert 0 < len(files) < 200
    assert sum(f.stat().st_size for f in files) < 1_000_000


@pytest.mark.slow
def test_fuzz_smoke(tmp_path: Path) -> None:
    """A few thousand coverage-guided inputs (< 30 s): no crash, no broken invariant."""
    pytest.importorskip("atheris")
    cmd = [
        sys.executable,
        str(FUZZ / "run.py"),
        "--runs=2500",
        "--seed=1",
        f"--work={tmp_path}",
        "-max_total_time=25",
    ]
    done = subprocess.run(cmd, capture_output=True, timeout=180, check=False, cwd=tmp_path)
    log = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, log[-4000:]
    executed = re.search(r"stat::number_of_executed_units: (\d+)", log)
    assert executed is not None, log[-2000:]
    assert int(executed.group(1)) >= 1000, log[-2000:]
    assert not list((tmp_path / "artifacts").glob("crash-*"))


# -- the language server ----------------------------------------------------------------------------------


def test_server_forgets_handled_notifications() -> None:
    """Found by the soak (RSS +20 MB over 10,000 edits): pygls 2.1 files the future of every
    notification it runs through a generator handler (its own didOpen/didChange/didClose all are)
    in ``_request_futures`` under a random id, and only a response ever removes an entry there,
    so each keystroke leaks one Future (~2 KB). In process, no I/O: a sink takes the output."""
    from flash_schema_lsp import server

    ls = server.FlashLanguageServer()
    protocol = ls.protocol

    class Sink:
        def write(self, data: bytes) -> None:
            pass

        def close(self) -> None:
            pass

    protocol.set_writer(Sink())

    def send(message: dict[str, object]) -> None:
        protocol.handle_message(json.loads(json.dumps(message), object_hook=protocol.structure_message))

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "processId": None}})
    uri = "file:///w/configs/a.toml"
    item = {"uri": uri, "languageId": "toml", "version": 1, "text": "model = 1\n"}
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}})
    for version in range(2, 202):
        change = {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": f"model = {version}\n"}],
        }
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": change})
    send({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
    assert ls.workspace.text_documents == {}  # every notification was handled
    leaked = len(protocol._request_futures)
    assert leaked == 0, f"{leaked} futures of finished notifications kept"


@pytest.mark.e2e
def test_lsp_soak_short(tmp_path: Path) -> None:
    """~500 random edits with hover/completion between them and malformed JSON-RPC mixed in."""
    from soak import run_soak

    report = run_soak(edits=500, seed=11, warmup=100, workdir=tmp_path)
    assert not report.server_died, report.mismatch
    assert report.unanswered == []
    assert report.diagnostics_match, report.mismatch
    assert report.rss_growth_kb < 10 * 1024, report
    assert report.exit_code == 0
    assert report.requests >= 100


@pytest.mark.e2e
def test_lsp_answers_malformed_requests(tmp_path: Path) -> None:
    """JSON-RPC: a request whose params do not fit gets an error response (InvalidParams, -32602).

    Today pygls drops it: the error is raised while deserializing (``structure_message``), before
    the request is dispatched, so the client waits forever for that id. Unknown methods and
    bodies that are not JSON are handled (and the server keeps serving afterwards).
    """
    from lspclient import Client

    (tmp_path / "configs").mkdir()
    uri = (tmp_path / "configs" / "a.toml").as_uri()
    with Client(cwd=str(tmp_path), timeout=30) as client:
        client.initialize(tmp_path)
        client.open(uri, 'model = "Qwen/Qwen3.5-4B"\n')
        client.send_raw(b'{"jsonrpc": "2.0", "id": 9000, "method": "textDocument/hover", "params": {')
        unknown = client.request("flash/noSuchMethod", {})
        malformed = {
            "no params": client.request("textDocument/hover", omit_params=True),
            "bad position": client.request(
                "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": "x", "character": 0}}
            ),
            "array params": client.request("textDocument/hover", [1, 2]),
        }
        # Messages are handled in order: once this answer is in, every earlier one is too.
        position = {"line": 0, "character": 1}
        assert client.call("textDocument/hover", {"textDocument": {"uri": uri}, "position": position}) is not None
        assert client.responses[unknown]["error"]["code"] == -32601
        assert client.alive()
        missing = [what for what, request_id in malformed.items() if request_id not in client.responses]
        assert missing == [], f"no response to: {missing}"
        for request_id in malformed.values():
            assert client.responses[request_id]["error"]["code"] == -32602
        assert client.shutdown() == 0
