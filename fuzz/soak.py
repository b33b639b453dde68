"""Soak the language server: thousands of random edits over one document, with requests between.

    python fuzz/soak.py                      # 10,000 edits (about a minute or two)
    python fuzz/soak.py --edits 500 --seed 3

A scripted JSON-RPC client (``fuzz/lspclient.py``) opens ``<tmp>/configs/soak.toml`` (a served
path) and sends random full-text edits: inserts, deletes, pastes of garbage (NUL, BOM, lone CRs,
emoji, brackets, quotes, secrets), duplicated lines, and undos back to a valid config. Between
edits it asks for hover and completion, and mixes in malformed JSON-RPC: bodies that are not JSON,
unknown methods, requests without params or with params of the wrong shape, edits of a document
that is not open (never a broken header: that would desync the stream for any server).

Checked: the server never dies; every well-formed request gets a response (and, reported
separately, every malformed request that has an id); its final diagnostics equal
``flash-schema check --format json`` on the final text (codes and ranges); its RSS grows by less
than ``--max-growth-mb`` after the warm-up. Exit 0 when all hold, 1 otherwise; prints the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lspclient import Client, lsp_range_of, server_env, utf16_units  # noqa: E402

ROOT = HERE.parent
VALID = [
    (ROOT / "examples" / "grpo.toml").read_text("utf-8"),
    (ROOT / "examples" / "sft.toml").read_text("utf-8"),
    'model = "Qwen/Qwen3.5-4B"\r\n\r\n[environment]\r\nid = "org/env"\r\n\r\n[train]\r\nmax_examples = 10\r\n',
]
GARBAGE = [
    "[", "]", "[[", "]]", "{", "}", "=", " = ", ".", ",", '"', "'", '"""', "'''", "\\", "\\u00", "#", "\n",
    "\r\n", "\r", "\t", "\x00", "\ufeff", "é", "😀", "日本語", "\u200b", "model", "train", "[train]",
    "[environment]", "[worker_env]", "lora_rank = ", "algorithm = \"grpo\"", "learnig_rate = 1e-4",
    "True", "1e400", "inf", "nan", "9" * 40, "-0", "0x_1", "1979-05-27T07:32:00Z", "07:32",
    "sk-proj-" + "Ab3d" * 8, "ghp_" + "x9Y" * 12, "{ a = 1, }", "[1, 2", "a.b.c = 1", '"\\e"',
]  # fmt: skip
PLACES = ["hover", "completion"]


@dataclass
class Report:
    edits: int = 0
    seconds: float = 0.0
    edits_per_second: float = 0.0
    requests: int = 0
    hover_ms: dict[str, float] = field(default_factory=dict)
    completion_ms: dict[str, float] = field(default_factory=dict)
    rss_start_kb: int = 0
    rss_warm_kb: int = 0
    rss_end_kb: int = 0
    rss_growth_kb: int = 0
    malformed_sent: int = 0
    unanswered: list[int] = field(default_factory=list)  # well-formed requests with no response
    unanswered_malformed: dict[str, int] = field(default_factory=dict)  # malformed requests (with an id)
    server_died: bool = False
    exit_code: int | None = None
    diagnostics_match: bool = False
    mismatch: str = ""
    final_diagnostics: int = 0
    final_length: int = 0
    stderr_tracebacks: int = 0

    def failures(self, max_growth_kb: int) -> list[str]:
        out = []
        if self.server_died:
            out.append("the server died")
        if self.unanswered:
            out.append(f"{len(self.unanswered)} requests got no response")
        if not self.diagnostics_match:
            out.append(f"final diagnostics differ from the CLI's: {self.mismatch}")
        if self.rss_growth_kb >= max_growth_kb:
            out.append(f"RSS grew by {self.rss_growth_kb} kB after the warm-up")
        if self.exit_code != 0:
            out.append(f"exit code {self.exit_code} after shutdown/exit")
        return out


def percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {}
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "n": len(ordered),
        "p50": at(0.5),
        "p95": at(0.95),
        "max": at(1.0),
        "mean": round(statistics.mean(ordered) * 1000, 2),
    }


class Editor:
    """The random editing: each step returns the new text."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.text = VALID[0]
        self.valid = VALID[0]

    def garbage(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.6:
            return "".join(rng.choice(GARBAGE) for _ in range(rng.randint(1, 4)))
        if kind < 0.9:
            return "".join(
                chr(rng.choice([rng.randint(32, 126), rng.randint(0, 0xD7FF), rng.randint(0xE000, 0x10FFFF)]))
                for _ in range(rng.randint(1, 12))
            )
        return rng.choice(GARBAGE) * rng.randint(20, 300)  # a long paste

    def step(self) -> str:
        rng = self.rng
        text = self.text
        op = rng.random()
        at = rng.randint(0, len(text))
        if op < 0.04 or len(text) > 20_000:
            self.valid = rng.choice(VALID)
            text = self.valid  # undo back to a valid config
        elif op < 0.40:
            text = text[:at] + self.garbage() + text[at:]
        elif op < 0.65:
            text = text[:at] + text[at + rng.randint(1, 40) :]
        elif op < 0.80:
            # Type a plausible line somewhere (a real user mostly writes config).
            line = rng.choice(["lora_rank = 32", "steps = 10", 'model = "Qwen/Qwen3.5-9B"', "[train]", "epochs = 2"])
            start = text.rfind("\n", 0, at) + 1
            text = text[:start] + line + "\n" + text[start:]
        elif op < 0.90:
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            if rng.random() < 0.5:
                lines.insert(i, lines[i])
            else:
                del lines[i]
            text = "\n".join(lines)
        else:
            # Replace a range with a piece of another valid config (a paste).
            source = rng.choice(VALID)
            a = rng.randint(0, len(source))
            text = text[:at] + source[a : a + rng.randint(1, 200)] + text[at + rng.randint(0, 30) :]
        self.text = text
        return text

    def position(self) -> dict[str, int]:
        lines = self.text.split("\n")
        line = self.rng.randint(0, len(lines))  # one past the end now and then
        content = lines[line] if line < len(lines) else ""
        return {"line": line, "character": self.rng.randint(0, utf16_units(content) + 2)}


def send_malformed(client: Client, rng: random.Random, uri: str, report: Report, pending: dict[int, str]) -> None:
    """One malformed or unusual message; requests among them are remembered in ``pending``."""
    report.malformed_sent += 1
    kind = rng.randrange(9)
    doc = {"uri": uri}
    if kind == 0:
        client.send_raw(b'{"jsonrpc": "2.0", "id": 424242, "method": "textDocument/hover", "params": {')
    elif kind == 1:
        client.send_raw(rng.choice([b"[1, 2", b"null", b'"text"', b"{}", b"[]", b"\xff\xfe", b'{"jsonrpc": 2}']))
    elif kind == 2:
        pending[client.request("flash/noSuchMethod", {})] = "unknown-method"  # must answer -32601
    elif kind == 3:
        client.notify("flash/noSuchNotification", {"x": 1})  # must be ignored
    elif kind == 4:
        pending[client.request("textDocument/hover", omit_params=True)] = "malformed:hover without params"
    elif kind == 5:
        params = {"textDocument": doc, "position": {"line": "x", "character": -1}}
        pending[client.request("textDocument/completion", params)] = "malformed:completion with a bad position"
    elif kind == 6:
        pending[client.request("textDocument/hover", [1, 2, 3])] = "malformed:hover with array params"
    elif kind == 7:
        # Well-formed, about a document that is not open: must answer (null).
        params = {"textDocument": {"uri": uri.replace("soak", "not-open")}, "position": {"line": 0, "character": 0}}
        pending[client.request("textDocument/hover", params)] = "not-open"
    else:
        client.change(uri.replace("soak", "not-open"), "model = 1\n", 1)  # an edit of a closed document
        client.notify("$/cancelRequest", {"id": 987654321})


def run_soak(
    edits: int = 10_000,
    seed: int = 0,
    warmup: int = 1000,
    request_every: int = 3,
    malformed_every: int = 40,
    timeout: float = 30.0,
    workdir: Path | None = None,
    progress: bool = False,
    command: list[str] | None = None,
) -> Report:
    rng = random.Random(seed)
    report = Report()
    tmp = tempfile.TemporaryDirectory(prefix="flash-soak-") if workdir is None else None
    root = Path(tmp.name) if tmp is not None else workdir
    assert root is not None
    (root / "configs").mkdir(parents=True, exist_ok=True)
    path = root / "configs" / "soak.toml"
    uri = path.as_uri()
    editor = Editor(rng)
    latencies: dict[str, list[float]] = {"hover": [], "completion": []}
    pending: dict[int, str] = {}  # request id -> what it was
    try:
        with Client(cwd=str(root), timeout=timeout, **({"command": command} if command else {})) as client:
            client.initialize(root)
            client.open(uri, editor.text, 1)
            client.wait_diagnostics(uri, 1)
            report.rss_start_kb = client.rss_kb()
            started = time.perf_counter()
            version = 1
            for i in range(edits):
                version += 1
                client.change(uri, editor.step(), version)
                if i % request_every == 0:
                    client.wait_diagnostics(uri, version)  # let the edit land, then time the request alone
                    kind = rng.choice(PLACES)
                    method = "textDocument/hover" if kind == "hover" else "textDocument/completion"
                    sent = time.perf_counter()
                    request_id = client.request(method, {"textDocument": {"uri": uri}, "position": editor.position()})
                    pending[request_id] = kind
                    answer = client.response(request_id)
                    if "error" in answer:
                        report.unanswered.append(request_id)
                    latencies[kind].append(client.answered_at[request_id] - sent)
                    report.requests += 1
                if i % malformed_every == malformed_every // 2:
                    send_malformed(client, rng, uri, report, pending)
                if i + 1 == warmup:
                    client.wait_diagnostics(uri, version)
                    report.rss_warm_kb = client.rss_kb()
                if progress and (i + 1) % 1000 == 0:
                    print(f"soak: {i + 1} edits, rss {client.rss_kb()} kB", file=sys.stderr, flush=True)
            final = client.wait_diagnostics(uri, version)
            report.seconds = time.perf_counter() - started
            # Everything sent before the last edit has been handled: collect what got no answer.
            probe = client.request(
                "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
            )
            client.response(probe)
            client.drain()
            for request_id, what in pending.items():
                if request_id in client.responses:
                    continue
                if what.startswith("malformed:"):
                    kind = what.split(":", 1)[1]
                    report.unanswered_malformed[kind] = report.unanswered_malformed.get(kind, 0) + 1
                else:
                    report.unanswered.append(request_id)
            report.rss_end_kb = client.rss_kb()
            report.server_died = not client.alive()
            report.exit_code = client.shutdown()
            report.stderr_tracebacks = client.stderr.count("Traceback")
    except Exception as exc:  # the server died or stopped answering: that is the finding
        report.server_died = True
        report.mismatch = f"{type(exc).__name__}: {exc}"
        return report
    report.edits = edits
    report.edits_per_second = round(edits / report.seconds, 1) if report.seconds else 0.0
    report.hover_ms = percentiles(latencies["hover"])
    report.completion_ms = percentiles(latencies["completion"])
    report.rss_growth_kb = report.rss_end_kb - (report.rss_warm_kb or report.rss_start_kb)
    report.final_length = len(editor.text)
    report.final_diagnostics = len(final)
    report.diagnostics_match, report.mismatch = compare_with_cli(editor.text, path, final)
    if tmp is not None:
        tmp.cleanup()
    return report


def cli_diagnostics(text: str, path: Path) -> list[tuple[Any, ...]]:
    """(code, LSP range) of every diagnostic `flash-schema check --format json` reports on text."""
    path.write_bytes(text.encode("utf-8"))
    done = subprocess.run(
        [sys.executable, "-m", "flash_schema", "check", "--format", "json", str(path)],
        capture_output=True,
        env=server_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    (file,) = json.loads(done.stdout)["files"]
    return sorted(
        (d["code"], *lsp_range_of(text, d["line"], d["column"], d["end_line"], d["end_column"]))
        for d in file["diagnostics"]
    )


def server_ranges(diagnostics: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    out = []
    for d in diagnostics:
        r = d["range"]
        out.append((d["code"], r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"]))
    return sorted(out)


def compare_with_cli(text: str, path: Path, final: list[dict[str, Any]]) -> tuple[bool, str]:
    cli = cli_diagnostics(text, path)
    server = server_ranges(final)
    if cli == server:
        return True, ""
    only_cli = [d for d in cli if d not in server]
    only_server = [d for d in server if d not in cli]
    return False, f"only the CLI: {only_cli[:5]}; only the server: {only_server[:5]}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-growth-mb", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for any one answer")
    parser.add_argument("--server", help="server command line (default: python -m flash_schema lsp)")
    args = parser.parse_args(argv)
    command = shlex.split(args.server) if args.server else None
    warmup = min(args.warmup, args.edits)
    report = run_soak(args.edits, args.seed, warmup, timeout=args.timeout, progress=True, command=command)
    print(json.dumps(asdict(report), indent=2))
    failures = report.failures(int(args.max_growth_mb * 1024))
    if report.unanswered_malformed:
        failures.append(f"malformed requests without a response: {sorted(set(report.unanswered_malformed))}")
    for failure in failures:
        print(f"soak: FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
