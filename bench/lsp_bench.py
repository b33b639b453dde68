"""`make bench` (after bench/run.py): the language server driven as an editor drives it, beside tombi.

A plain JSON-RPC client over stdio (Content-Length framing; a reader thread stamps each message
when its last byte arrives) drives ``python -m flash_schema lsp`` and ``tombi lsp --offline`` on the
same workspace, files and schema (tombi finds it through ``tombi.toml`` and the ``#:schema``
directive), and, for start-up, ``bench/bare_pygls_server.py`` (a featureless pygls server: the
floor). The client declares UTF-16 positions and no pull diagnostics, so both servers push.
Requests measured: hover, completion and inlay hints (for the whole file; tombi has none for a
Flash config and answers null, so its figure is only the cost of asking).

Both servers run side by side and samples alternate between them, so load on the machine falls on
both alike. Each figure is p50/p95 over ``--runs`` samples (``--spawns`` for process starts), after
``--warmup`` discarded ones.

Not a test: numbers depend on the machine. Exit 0 when every target is met, 1 when one is missed,
2 when the comparison itself is broken (a server does not answer, or tombi reports no schema
problems, which would make the comparison meaningless).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fuzz"))  # the repository's LSP client lives there

from lspclient import frame, messages  # noqa: E402

SCHEMA = ROOT / "schema" / "flash.schema.json"
SMALL = ROOT / "examples" / "grpo.toml"
BROKEN = ROOT / "examples" / "broken" / "grpo-mistakes.toml"
BARE = ROOT / "bench" / "bare_pygls_server.py"

BIG_LINES = 5000
#: The `[train]` knob hover, completion and edits are measured on (a line of SMALL): edits flip it
#: between its value and 0, which the schema's plain `minimum` rejects (so tombi sees it too).
KNOB, KNOB_VALUE = "group_size", "8"
DIRECTIVE = "#:schema ../schema/flash.schema.json\n"  # files live in <workspace>/configs/

REQUEST_TIMEOUT = 10.0  # seconds
DIAGNOSTICS_TIMEOUT = 30.0

CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "didSave": False},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "completion": {
            "contextSupport": True,
            "completionItem": {"snippetSupport": False, "documentationFormat": ["markdown", "plaintext"]},
        },
        "inlayHint": {"dynamicRegistration": False},
        # No "diagnostic": this client does not pull, so both servers push.
        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
    },
    "workspace": {"workspaceFolders": True},
    "window": {"workDoneProgress": False},
}


class BenchError(Exception):
    """The comparison cannot be made (a server failed, or does not do what is measured)."""


# -- a JSON-RPC client over stdio ---------------------------------------------------------------------


class Server:
    """One language server process and the client side of its stdio connection."""

    def __init__(self, name: str, cmd: list[str], cwd: Path, env: dict[str, str], log: IO[bytes]) -> None:
        self.name = name
        self.spawned = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        self.capabilities: dict[str, Any] = {}
        self.published: list[tuple[float, dict[str, Any]]] = []  # (arrival, publishDiagnostics params)
        self._responses: dict[int, tuple[float, dict[str, Any]]] = {}
        self._next_id = 0
        self._closed = False
        self._write_lock = threading.Lock()
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, name=f"{name}-reader", daemon=True)
        self._reader.start()

    # -- wire -----------------------------------------------------------------------------------

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        try:
            for body in messages(stream):
                arrived = time.perf_counter()
                self._dispatch(arrived, json.loads(body))
        finally:
            with self._cond:
                self._closed = True
                self._cond.notify_all()

    def _dispatch(self, arrived: float, msg: dict[str, Any]) -> None:
        method = msg.get("method")
        if method is not None and "id" in msg:  # a request from the server
            params = msg.get("params") or {}
            result = [None] * len(params.get("items", [])) if method == "workspace/configuration" else None
            self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            return
        with self._cond:
            if method == "textDocument/publishDiagnostics":
                self.published.append((arrived, msg["params"]))
            elif method is None:
                self._responses[msg["id"]] = (arrived, msg)
            self._cond.notify_all()

    def _send(self, msg: dict[str, Any]) -> float:
        data = frame(json.dumps(msg, separators=(",", ":")).encode())
        stdin = self.proc.stdin
        assert stdin is not None
        with self._write_lock:
            sent = time.perf_counter()
            stdin.write(data)
            stdin.flush()
        return sent

    # -- calls ------------------------------------------------------------------------------------

    def call(
        self, method: str, params: Any, timeout: float = REQUEST_TIMEOUT, errors: bool = False
    ) -> tuple[float, float, Any]:
        """Send a request and wait for its response: (sent, arrived, result); ``errors``: accept an error."""
        self._next_id += 1
        rid = self._next_id
        sent = self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        with self._cond:
            self._cond.wait_for(lambda: rid in self._responses or self._closed, timeout)
            if rid not in self._responses:
                state = "exited" if self._closed else f"did not answer within {timeout:.0f} s"
                raise BenchError(f"{self.name}: {method}: the server {state}")
            arrived, msg = self._responses.pop(rid)
        if "error" in msg and not errors:
            raise BenchError(f"{self.name}: {method}: {msg['error']}")
        return sent, arrived, msg.get("result")

    def request(self, method: str, params: Any, errors: bool = False) -> tuple[float, Any]:
        """Latency (seconds) and result of one request."""
        sent, arrived, result = self.call(method, params, errors=errors)
        return arrived - sent, result

    def notify(self, method: str, params: Any) -> float:
        return self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def mark(self) -> int:
        with self._cond:
            return len(self.published)

    def wait_published(
        self, since: int, accept: Callable[[dict[str, Any]], bool], timeout: float = DIAGNOSTICS_TIMEOUT
    ) -> tuple[float, dict[str, Any]]:
        """The first publishDiagnostics at or after index ``since`` that ``accept`` takes."""
        found: tuple[float, dict[str, Any]] | None = None
        index = since

        def ready() -> bool:
            nonlocal found, index
            while index < len(self.published):
                item = self.published[index]
                index += 1
                if accept(item[1]):
                    found = item
                    return True
            return self._closed

        with self._cond:
            self._cond.wait_for(ready, timeout)
        if found is None:
            state = "exited" if self._closed else f"sent none within {timeout:.0f} s"
            raise BenchError(f"{self.name}: expected diagnostics: the server {state}")
        return found

    # -- lifecycle --------------------------------------------------------------------------------

    def initialize(self, root: Path) -> float:
        """Initialize the session; returns the time from spawning the process to the response."""
        params = {
            "processId": os.getpid(),
            "clientInfo": {"name": "flash-schema lsp_bench"},
            "rootUri": root.as_uri(),
            "rootPath": str(root),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": CAPABILITIES,
        }
        _, arrived, result = self.call("initialize", params, timeout=60)
        self.capabilities = result.get("capabilities", {})
        self.notify("initialized", {})
        return arrived - self.spawned

    @property
    def incremental(self) -> bool:
        sync = self.capabilities.get("textDocumentSync")
        kind = sync.get("change") if isinstance(sync, dict) else sync
        return kind == 2

    def close(self) -> None:
        try:
            if not self._closed:
                self.call("shutdown", None, timeout=5)
                self.notify("exit", None)
            self.proc.wait(timeout=5)
        except (BenchError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            self._reader.join(timeout=5)
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()


# -- the workspace --------------------------------------------------------------------------------------


@dataclass
class Doc:
    """A document as one server has it open."""

    uri: str
    text: str
    version: int = 1


def line_of(text: str, prefix: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if line.startswith(prefix))


def big_config() -> str:
    """The small config (today's Flash, valid) grown to BIG_LINES lines of `[environment.params]`."""
    small = SMALL.read_text("utf-8")
    assert "[environment.params]" not in small, f"{SMALL} already has [environment.params]"
    head = small.rstrip("\n") + "\n\n[environment.params]\n"
    options = BIG_LINES - head.count("\n")
    return head + "".join(f'option_{i} = "value {i}"\n' for i in range(options))


@dataclass
class Workspace:
    root: Path
    files: dict[str, Path] = field(default_factory=dict)

    def text(self, label: str) -> str:
        return self.files[label].read_text("utf-8")


def make_workspace(root: Path) -> Workspace:
    ws = Workspace(root)
    (root / "schema").mkdir()
    shutil.copyfile(SCHEMA, root / "schema" / "flash.schema.json")
    (root / "tombi.toml").write_text(
        '[[schemas]]\npath = "schema/flash.schema.json"\ninclude = ["configs/*.toml"]\n', "utf-8"
    )
    (root / "configs").mkdir()
    small = SMALL.read_text("utf-8")
    assert small.startswith(DIRECTIVE), f"{SMALL} should start with {DIRECTIVE!r}"
    texts = {"small": small, "5,000 lines": big_config(), "broken": DIRECTIVE + BROKEN.read_text("utf-8")}
    names = {"small": "grpo.toml", "5,000 lines": "big-5000-lines.toml", "broken": "broken.toml"}
    for label, text in texts.items():
        path = root / "configs" / names[label]
        path.write_text(text, "utf-8")
        ws.files[label] = path
    assert ws.text("5,000 lines").count("\n") == BIG_LINES
    return ws


class Servers:
    """Starts the servers with their environments; keeps their stderr in one log file."""

    def __init__(self, ws: Workspace, tombi: str) -> None:
        self.ws = ws
        home = ws.root / "home"
        home.mkdir()
        self.log = open(ws.root / "servers.log", "wb")  # noqa: SIM115 (closed in close())
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "TOMBI"))}
        pythonpath = os.pathsep.join([str(ROOT), str(ROOT / "lsp")])
        python_env = {**base, "PYTHONPATH": pythonpath}
        tombi_env = {
            **base,
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "TOMBI_OFFLINE": "1",
            "NO_COLOR": "1",
        }
        self.commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "ours": ([sys.executable, "-m", "flash_schema", "lsp"], python_env),
            "bare pygls": ([sys.executable, str(BARE)], python_env),
            "tombi": ([tombi, "lsp", "--offline"], tombi_env),
        }

    def spawn(self, name: str) -> Server:
        cmd, env = self.commands[name]
        return Server(name, cmd, self.ws.root, env, self.log)

    def log_tail(self) -> str:
        self.log.flush()
        return (self.ws.root / "servers.log").read_bytes()[-3000:].decode(errors="replace")

    def close(self) -> None:
        self.log.close()


@contextmanager
def running(servers: Servers, name: str) -> Iterator[Server]:
    server = servers.spawn(name)
    try:
        yield server
    finally:
        server.close()


def progress(what: str) -> None:
    print(f"lsp_bench: measuring {what}…", file=sys.stderr, flush=True)


# -- measurements -----------------------------------------------------------------------------------------


def open_doc(server: Server, path: Path, text: str, uri: str | None = None) -> tuple[Doc, float, dict[str, Any]]:
    """didOpen, then wait for the first diagnostics of that document: (doc, latency, params)."""
    doc = Doc(uri or path.as_uri(), text)
    since = server.mark()
    sent = server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": doc.uri, "languageId": "toml", "version": doc.version, "text": text}},
    )
    arrived, params = server.wait_published(since, lambda p: p["uri"] == doc.uri)
    return doc, arrived - sent, params


def has_problem_on(params: dict[str, Any], line: int) -> bool:
    return any(d["range"]["start"]["line"] == line for d in params["diagnostics"])


def toggle_knob(server: Server, doc: Doc, line: int) -> float:
    """Flip ``KNOB`` on ``line`` between ``KNOB_VALUE`` and 0 (a didChange as the server's sync kind asks).

    Returns the time until diagnostics of that version arrive showing the change: a problem on the
    line exactly when the value is now 0 (a server that sends no version is taken at its word).
    """
    lines = doc.text.split("\n")
    old = lines[line]
    prefix = f"{KNOB} = "
    assert old.startswith(prefix), old
    value = KNOB_VALUE if old == prefix + "0" else "0"
    lines[line] = prefix + value
    doc.text = "\n".join(lines)
    doc.version += 1
    version = doc.version
    if server.incremental:
        where = {"start": {"line": line, "character": len(prefix)}, "end": {"line": line, "character": len(old)}}
        change: dict[str, Any] = {"range": where, "text": value}
    else:
        change = {"text": doc.text}
    bad = value == "0"

    def updated(p: dict[str, Any]) -> bool:
        return p["uri"] == doc.uri and p.get("version") in (None, version) and has_problem_on(p, line) == bad

    since = server.mark()
    sent = server.notify(
        "textDocument/didChange", {"textDocument": {"uri": doc.uri, "version": version}, "contentChanges": [change]}
    )
    arrived, _ = server.wait_published(since, updated)
    return arrived - sent


def position(text: str, line_prefix: str, character: int) -> dict[str, int]:
    return {"line": line_of(text, line_prefix), "character": character}


def completion_position(text: str) -> dict[str, int]:
    """The blank line that ends [train] (after its last key, before the next header)."""
    lines = text.splitlines()
    train = lines.index("[train]")
    blank = next(i for i in range(train + 1, len(lines)) if not lines[i].strip())
    assert lines[blank + 1].startswith("["), "expected [train] to end with a blank line"
    return {"line": blank, "character": 0}


def labels(result: Any) -> list[str]:
    items = result.get("items", []) if isinstance(result, dict) else result or []
    return [item["label"] for item in items]


def hover_text(result: Any) -> str:
    if not result:
        return ""
    contents = result["contents"]
    if isinstance(contents, dict):
        return str(contents.get("value", ""))
    if isinstance(contents, list):
        return "\n".join(c if isinstance(c, str) else c.get("value", "") for c in contents)
    return str(contents)


@dataclass
class Samples:
    values: list[float] = field(default_factory=list)  # seconds

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def p50(self) -> float:
        return statistics.median(self.values) * 1000

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.values, n=20, method="inclusive")[18] * 1000


Results = dict[tuple[str, str, str], Samples]  # (measurement, file, server)


def measure_starts(servers: Servers, ws: Workspace, runs: int, warmup: int, results: Results) -> None:
    """Spawn → initialize response, then (like an editor) initialized + didOpen → first diagnostics."""
    rounds = [("small", ["ours", "bare pygls", "tombi"]), ("5,000 lines", ["ours", "tombi"])]
    for label, names in rounds:
        progress(f"process starts, {label}")
        text = ws.text(label)
        for i in range(warmup + runs):
            for name in names[i % len(names) :] + names[: i % len(names)]:  # rotate who goes first
                with running(servers, name) as server:
                    start = server.initialize(ws.root)
                    if name == "bare pygls":
                        opened = None
                    else:
                        _, opened, _ = open_doc(server, ws.files[label], text)
                if i < warmup:
                    continue
                if label == "small":
                    results.setdefault(("start → initialize reply", "—", name), Samples()).add(start)
                if opened is not None:
                    results.setdefault(("open → diagnostics, cold", label, name), Samples()).add(opened)


def check_tombi_sees_the_schema(ours: Server, tombi: Server, ws: Workspace) -> str:
    """Both servers report schema problems in the broken config (else comparing them is meaningless)."""
    path, text = ws.files["broken"], ws.text("broken")
    found = {}
    for server in (ours, tombi):
        _, _, params = open_doc(server, path, text)
        found[server.name] = {d["range"]["start"]["line"] for d in params["diagnostics"]}
    # Schema-only problems: `max_length` (renamed in Flash 0.2.49) and `learnig_rate`, both unknown keys of
    # `[train]` (additionalProperties: false).
    wanted = {line_of(text, "max_length = "), line_of(text, "learnig_rate")}
    for name, lines in found.items():
        if not wanted <= lines:
            raise BenchError(f"{name} does not flag `max_length` and `learnig_rate`: is the schema associated?")
    return f"broken config: ours flags {len(found['ours'])} lines, tombi {len(found['tombi'])} (both the schema's)"


def alternate(servers: tuple[Server, ...], i: int) -> tuple[Server, ...]:
    """Who goes first rotates, so no server always runs right after the same other one."""
    k = i % len(servers)
    return servers[k:] + servers[:k]


def measure_session(servers: Servers, ws: Workspace, opts: argparse.Namespace, results: Results) -> list[str]:
    """Both servers side by side: opens, hovers, completions and edits, alternating between them.

    Opens and single edits start on an idle server (after ``opts.gap`` seconds of quiet, as between
    keystrokes); hovers, completions and the "back-to-back" edits follow one another at once.
    """
    runs, warmup = opts.runs, opts.warmup
    notes = []
    with running(servers, "ours") as ours, running(servers, "tombi") as tombi, running(servers, "bare pygls") as bare:
        pair = (ours, tombi)
        for server in (*pair, bare):
            server.initialize(ws.root)
        notes.append(check_tombi_sees_the_schema(ours, tombi, ws))

        def record(measurement: str, label: str, server: Server, i: int, latency: float) -> None:
            if i >= warmup:
                results.setdefault((measurement, label, server.name), Samples()).add(latency)

        for label in ("small", "5,000 lines"):
            progress(f"requests and edits, {label}")
            path, text = ws.files[label], ws.text(label)
            docs = {server.name: open_doc(server, path, text)[0] for server in pair}

            # Opening another document in a running server.
            for i in range(warmup + runs):
                for server in alternate(pair, i):
                    time.sleep(opts.gap)
                    uri = path.with_name(f"fresh-{label[0]}-{i}.toml").as_uri()
                    doc, latency, _ = open_doc(server, path, text, uri)
                    server.notify("textDocument/didClose", {"textDocument": {"uri": doc.uri}})
                    record("open → diagnostics, warm", label, server, i, latency)

            hover_at = position(text, f"{KNOB} = ", 2)
            complete_at = completion_position(text)
            whole = {"start": {"line": 0, "character": 0}, "end": {"line": text.count("\n"), "character": 0}}
            requests = {
                "hover": ("textDocument/hover", {"position": hover_at}),
                "completion": ("textDocument/completion", {"position": complete_at, "context": {"triggerKind": 1}}),
                # What an editor asks for the visible lines; the whole file here (ours hints at each table).
                "inlay hints": ("textDocument/inlayHint", {"range": whole}),
            }
            for server in pair:  # both must answer, or comparing them is meaningless
                where = {"uri": docs[server.name].uri}
                _, result = server.request(requests["hover"][0], {"textDocument": where, **requests["hover"][1]})
                if KNOB not in hover_text(result):
                    raise BenchError(f"{server.name}: no hover on `{KNOB}` in [train] ({label}): {result!r}")
                _, result = server.request(
                    requests["completion"][0], {"textDocument": where, **requests["completion"][1]}
                )
                if "learning_rate" not in labels(result):
                    raise BenchError(f"{server.name}: completion in [train] ({label}) lacks learning_rate")
                _, result = server.request(
                    requests["inlay hints"][0], {"textDocument": where, **requests["inlay hints"][1]}
                )
                if server is ours and not any(h["label"].startswith("lora_alpha ") for h in result or ()):
                    raise BenchError(f"ours: no inlay hint with lora_alpha at [train] ({label}): {result!r}")
                if server is tombi and label == "small":
                    notes.append(
                        f"inlay hints: tombi answers {json.dumps(result)} on these files (its hints are for "
                        "Cargo.toml and pyproject.toml): its figure is the cost of asking"
                    )
            time.sleep(opts.gap)
            for name, (method, params) in requests.items():
                for i in range(warmup + runs):
                    for server in alternate((*pair, bare), i):
                        # The bare server knows no document and no method: its error reply is the floor
                        # of any pygls request (stdio, JSON, dispatch).
                        where = {"uri": docs[server.name].uri if server is not bare else docs["ours"].uri}
                        latency, _ = server.request(method, {"textDocument": where, **params}, errors=server is bare)
                        record(name, label, server, i, latency)

            line = line_of(text, f"{KNOB} = ")
            for i in range(warmup + runs):
                for server in alternate(pair, i):
                    time.sleep(opts.gap)
                    record("edit → diagnostics", label, server, i, toggle_knob(server, docs[server.name], line))
            for server in pair:  # typing without pause: each edit right after the last diagnostics
                time.sleep(opts.gap)
                for i in range(warmup + runs):
                    latency = toggle_knob(server, docs[server.name], line)
                    record("edit → diags, back-to-back", label, server, i, latency)
    return notes


# -- report ------------------------------------------------------------------------------------------------

#: (measurement, file) -> (p95 ms, × tombi p95); no ratio target where tombi does no such work.
TARGETS: dict[tuple[str, str], tuple[float, float | None]] = {
    ("hover", "small"): (2, 3),
    ("hover", "5,000 lines"): (5, 3),
    ("completion", "small"): (2, 3),
    ("completion", "5,000 lines"): (5, 3),
    # tombi has no hints for a Flash config (it answers null): only the absolute target applies.
    ("inlay hints", "small"): (2, None),
    ("inlay hints", "5,000 lines"): (5, None),
    ("edit → diagnostics", "small"): (5, 3),
    ("edit → diagnostics", "5,000 lines"): (60, 3),
}
START_TARGET = 1.15  # ours / bare pygls, p50


def verdict(measurement: str, file: str, peer: str, ours: Samples, other: Samples) -> tuple[float, str, str]:
    """(ratio, target, result) of one row: start-up against bare pygls on p50, the rest against tombi on p95."""
    if measurement.startswith("start"):
        ratio = ours.p50 / other.p50
        if peer != "bare pygls":
            return ratio, "", ""
        return ratio, f"p50 ≤ {START_TARGET:.2f}× bare pygls", "ok" if ratio <= START_TARGET else "MISSED"
    ratio = ours.p95 / other.p95
    if peer == "bare pygls":
        return ratio, "(the floor: an error reply)", ""
    if (measurement, file) not in TARGETS:
        return ratio, "", ""
    limit, times = TARGETS[(measurement, file)]
    missed = [what for what, bad in (("p95", ours.p95 > limit), ("ratio", times and ratio > times)) if bad]
    target = f"p95 ≤ {limit:g} ms" + (f", ≤ {times:g}× tombi" if times else "")
    return ratio, target, "MISSED (" + ", ".join(missed) + ")" if missed else "ok"


def report(results: Results) -> bool:
    head = f"{'measurement':<26} {'file':<11} {'ours p50 / p95':>16} {'peer':>10} {'peer p50 / p95':>16}"
    print(f"{head} {'ratio':>8}  {'target':<27} result")
    print("-" * 130)
    ok = True
    rows = sorted({(m, f) for m, f, _ in results}, key=lambda k: (ORDER.index(k[0]), k[1] != "—", k[1] != "small"))
    for measurement, file in rows:
        ours = results[(measurement, file, "ours")]
        order = ("bare pygls", "tombi") if measurement.startswith("start") else ("tombi", "bare pygls")
        for peer in (p for p in order if (measurement, file, p) in results):
            other = results[(measurement, file, peer)]
            ratio, target, result = verdict(measurement, file, peer, ours, other)
            ok &= not result.startswith("MISSED")
            print(
                f"{measurement:<26} {file:<11} {ours.p50:7.2f} /{ours.p95:7.2f} {peer:>10} "
                f"{other.p50:7.2f} /{other.p95:7.2f} {ratio:7.2f}x  {target:<27} {result}"
            )
    print("\nms; ratio: ours / peer, on p50 for start-up, on p95 otherwise")
    return ok


ORDER = [
    "start → initialize reply",
    "open → diagnostics, cold",
    "open → diagnostics, warm",
    "hover",
    "completion",
    "inlay hints",
    "edit → diagnostics",
    "edit → diags, back-to-back",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=60, help="samples per request figure (default 60)")
    parser.add_argument("--spawns", type=int, default=30, help="process starts per start-up figure (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="discarded samples before each figure (default 5)")
    parser.add_argument("--gap", type=float, default=0.1, help="idle seconds before each open and edit (0.1)")
    parser.add_argument("--keep", action="store_true", help="keep the workspace (and servers.log) for a look")
    args = parser.parse_args()
    if min(args.runs, args.spawns) < 2:
        parser.error("--runs and --spawns need at least 2 samples (for a p95)")
    tombi = shutil.which("tombi", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if tombi is None:
        print("lsp_bench: tombi not found (pip install tombi, as the dev extras do)", file=sys.stderr)
        return 2
    import compileall

    # Byte-compile our code as an install would: pygls and tombi start from compiled packages.
    for folder in (ROOT / "flash_schema", ROOT / "lsp" / "flash_schema_lsp", ROOT / "bench"):
        compileall.compile_dir(str(folder), quiet=1)
    tmp = Path(tempfile.mkdtemp(prefix="flash-lsp-bench-"))
    ws = make_workspace(tmp)
    servers = Servers(ws, tombi)
    version = subprocess.run([tombi, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    print(f"lsp_bench: Python {sys.version.split()[0]}, {version}; {cpus} CPUs, load {load:.2f}", flush=True)
    if load > cpus / 2:
        print("lsp_bench: the machine is busy: absolute figures will be inflated (ratios less so)", flush=True)
    results: Results = {}
    try:
        notes = measure_session(servers, ws, args, results)
        measure_starts(servers, ws, args.spawns, args.warmup, results)
    except BenchError as exc:
        print(f"lsp_bench: {exc}\n--- servers' stderr (tail) ---\n{servers.log_tail()}", file=sys.stderr)
        return 2
    finally:
        servers.close()
        if args.keep:
            print(f"workspace kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"load after: {os.getloadavg()[0]:.2f}; {args.runs} samples per request figure, {args.spawns} per start")
    for note in notes:
        print(note)
    print()
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
