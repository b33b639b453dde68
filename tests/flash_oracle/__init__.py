"""Test-only oracles: ask a real Flash release whether it accepts a config, and what it resolves.

Each release the dialects are exact for lives in its own virtualenv, ``.venv-flash/<release>``
(``make flash-oracles`` installs them from the registry; ``make flash-drift`` adds ``latest``).
Nothing here imports Flash: an ``Oracle`` starts ``worker.py`` under that release's interpreter,
lazily, and talks JSON lines to it (see ``worker.py`` for the code path each release runs, and its
offline and deadline guards). Many cases go in one round trip (``Oracle.verdicts``), and
``verdicts_many`` runs several releases' batches at once (one worker process each).

Answers are memoised for the whole process (``cached``), so a pytest session computes each
corpus's verdicts once, however many tests read them.

Nothing in ``flash_schema`` may import this package.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import datetime
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from flash_schema.dialects import DIALECTS as _DIALECT_IDS
from flash_schema.releases import dialect_release

__all__ = [
    "DIALECTS",
    "VENVS",
    "FlashVerdict",
    "Oracle",
    "OracleError",
    "OracleInput",
    "cached",
    "oracle",
    "verdicts_many",
]

ROOT = Path(__file__).resolve().parents[2]
VENVS = ROOT / ".venv-flash"
WORKER = Path(__file__).with_name("worker.py")
# Dialect id -> the release its oracle runs (the dialect is exact for that release), as
# schema/src/releases.toml says.
DIALECTS: dict[str, str] = {d: dialect_release(d) for d in _DIALECT_IDS}
# Wall-clock limit for one case's answer. The worker's own per-parse deadline is 1 s of CPU; this one
# only catches a wedged worker (a parse stuck inside one C call), which is an oracle bug.
HARD_TIMEOUT_SECONDS = 60.0


class OracleError(RuntimeError):
    """The oracle itself failed (missing virtualenv, dead or wedged worker, network attempt)."""


class OracleInput(Protocol):
    """A config as ``flash train`` gets it: the file, ``--config`` overlays, ``--set`` arguments."""

    @property
    def text(self) -> str | bytes: ...
    @property
    def overlays(self) -> Sequence[str | bytes]: ...
    @property
    def sets(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class FlashVerdict:
    """What one release's ``flash train CONFIG`` parse says about one config."""

    ok: bool
    """Flash accepts the config."""
    message: str | None
    """Flash's error message (without the CLI's ``error:`` prefix) when not ok."""
    gpu_sizing: bool
    """The rejection is the GPU-sizing check, which no schema can reproduce."""
    spec: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    """The resolved spec (``JobSpec.to_dict()``) when ok; TOML dates/times as ``datetime`` values."""
    output: str = field(default="", compare=False, repr=False)
    """What Flash printed while parsing (notes, warnings)."""
    where: str | None = field(default=None, compare=False, repr=False)
    """``module.py:function`` that raised the rejection (for reports)."""


@dataclass(frozen=True)
class _Input:
    text: str | bytes
    overlays: tuple[str | bytes, ...] = ()
    sets: tuple[str, ...] = ()


def _file(content: str | bytes) -> dict[str, str]:
    if isinstance(content, bytes):
        return {"b64": base64.b64encode(content).decode("ascii")}
    return {"text": content}


def _key(case: OracleInput) -> tuple[str | bytes, tuple[str | bytes, ...], tuple[str, ...]]:
    return (case.text, tuple(case.overlays), tuple(case.sets))


_TOML_TIME = {
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
}


def _decode(obj: dict[str, Any]) -> object:
    if set(obj) == {"$toml", "iso"} and obj["$toml"] in _TOML_TIME:
        return _TOML_TIME[obj["$toml"]](obj["iso"])
    return obj


def _verdict(reply: dict[str, Any]) -> FlashVerdict:
    return FlashVerdict(
        ok=reply["ok"],
        message=reply["message"],
        gpu_sizing=reply["gpu_sizing"],
        spec=reply["spec"],
        output=reply.get("output", ""),
        where=reply.get("where"),
    )


class Oracle:
    """One release's parser in its own process, started on first use."""

    def __init__(self, release: str, python: Path | None = None) -> None:
        self.release = release
        self.python = python or VENVS / release / "bin" / "python"
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._home: str | None = None
        self._buffer = bytearray()
        self._lock = threading.Lock()
        self.startup_seconds: float | None = None
        self.info: dict[str, Any] = {}

    # -- process ----------------------------------------------------------------------------------

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if not self.python.exists():
            msg = f"no Flash {self.release} virtualenv at {self.python.parent.parent}: run `make flash-oracles`"
            raise OracleError(msg)
        started = time.perf_counter()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker
        home = self._home = tempfile.mkdtemp(prefix="flash-oracle-home-")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": home,  # no ~/.flash credentials, no user config
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "FLASH_NO_UPDATE_CHECK": "1",
            "HF_HUB_OFFLINE": "1",
        }
        self._proc = subprocess.Popen(  # fixed argv: the release's interpreter, isolated mode, our worker
            [str(self.python), "-I", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=home,
            env=env,
        )
        self._buffer.clear()
        self.info = self._round_trip({"op": "hello"}, 1)[0]
        if self.release != "latest" and self.info.get("release") != self.release:
            msg = f"{self.python} runs freesolo-flash {self.info.get('release')}, not {self.release}"
            raise OracleError(msg)
        self.startup_seconds = time.perf_counter() - started
        return self._proc

    def close(self, *, kill: bool = False) -> None:
        """End the worker: let it finish on end of input, or ``kill`` it (a wedged or failed one)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if kill:
                proc.kill()
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    def _fail(self, why: str) -> OracleError:
        tail = ""
        if self._stderr is not None:
            self._stderr.seek(0)
            tail = self._stderr.read().decode("utf-8", "replace")[-2000:]
        self.close(kill=True)
        return OracleError(f"Flash {self.release} oracle: {why}" + (f"\n{tail}" if tail else ""))

    def _readline(self, proc: subprocess.Popen[bytes]) -> bytes:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + HARD_TIMEOUT_SECONDS
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._fail(f"no answer within {HARD_TIMEOUT_SECONDS} s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise self._fail("the worker died")
                self._buffer += chunk
        line, _, rest = self._buffer.partition(b"\n")
        self._buffer = bytearray(rest)
        return bytes(line)

    def _round_trip(self, request: dict[str, Any], count: int) -> list[dict[str, Any]]:
        proc = self._proc
        assert proc is not None
        assert proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            proc.stdin.flush()
        except BrokenPipeError:
            raise self._fail("the worker died") from None
        replies = [json.loads(self._readline(proc), object_hook=_decode) for _ in range(count)]
        for reply in replies:
            if "error" in reply:
                raise self._fail(reply["error"])
            if reply.get("network"):
                raise self._fail("the parse tried to reach the network")
        return replies

    # -- questions --------------------------------------------------------------------------------

    def hello(self) -> dict[str, Any]:
        """The release, its parse path and interpreter (starts the worker)."""
        with self._lock:
            self._start()
            return dict(self.info)

    def verdicts(self, cases: Sequence[OracleInput]) -> list[FlashVerdict]:
        """Flash's verdict on each case, in one round trip."""
        request = {
            "op": "parse",
            "cases": [
                {"base": _file(c.text), "overlays": [_file(o) for o in c.overlays], "sets": list(c.sets)} for c in cases
            ],
        }
        with self._lock:
            self._start()
            return [_verdict(r) for r in self._round_trip(request, len(cases))]

    def verdict(
        self, text: str | bytes, overlays: Sequence[str | bytes] = (), sets: Sequence[str] = ()
    ) -> FlashVerdict:
        """Flash's verdict on one config (``sets`` as argparse hands them over: ``"train.lora_rank=16"``)."""
        return self.verdicts([_Input(text, tuple(overlays), tuple(sets))])[0]

    def network_probe(self) -> FlashVerdict:
        """A self-test: a "parse" that tries to connect and swallows the error, as Flash's lookups do.

        Raises ``OracleError``: the guard must notice the attempt all the same.
        """
        with self._lock:
            self._start()
            return _verdict(self._round_trip({"op": "network-probe"}, 1)[0])


_ORACLES: dict[str, Oracle] = {}
_ORACLES_LOCK = threading.Lock()
_MEMO: dict[tuple[str, tuple[str | bytes, tuple[str | bytes, ...], tuple[str, ...]]], FlashVerdict] = {}


def oracle(release: str) -> Oracle:
    """The process-wide oracle of one release (``"0.2.43"``, ``"1.0.1"``, ``"1.3.28"``, ``"latest"``)."""
    with _ORACLES_LOCK:
        if release not in _ORACLES:
            _ORACLES[release] = Oracle(release)
        return _ORACLES[release]


@atexit.register
def _close_all() -> None:
    for o in _ORACLES.values():
        o.close()


def verdicts_many(jobs: Mapping[str, Iterable[OracleInput]]) -> dict[str, list[FlashVerdict]]:
    """Each release's verdicts on its cases, the releases' workers running at the same time.

    Answers are memoised: a case asked again (of the same release) costs nothing.
    """
    asked = {release: list(cases) for release, cases in jobs.items()}
    pending: dict[str, list[OracleInput]] = {}
    for release, cases in asked.items():
        todo = {_key(c): c for c in cases if (release, _key(c)) not in _MEMO}
        pending[release] = list(todo.values())

    def run(release: str) -> None:
        for case, verdict in zip(pending[release], oracle(release).verdicts(pending[release]), strict=True):
            _MEMO[release, _key(case)] = verdict

    busy = [r for r, cases in pending.items() if cases]
    if len(busy) == 1:
        run(busy[0])
    elif busy:
        with ThreadPoolExecutor(max_workers=len(busy)) as pool:
            for future in [pool.submit(run, r) for r in busy]:
                future.result()
    return {release: [_MEMO[release, _key(c)] for c in cases] for release, cases in asked.items()}


def cached(release: str, case: OracleInput) -> FlashVerdict:
    """The verdict of one case, from the memo when it was asked before (else asked now)."""
    verdict = _MEMO.get((release, _key(case)))
    if verdict is None:
        verdict = verdicts_many({release: [case]})[release][0]
    return verdict


if __name__ == "__main__":  # pragma: no cover - manual check: `python -m flash_oracle RELEASE < config.toml`
    v = oracle(sys.argv[1] if len(sys.argv) > 1 else "1.3.28").verdict(sys.stdin.buffer.read())
    print(json.dumps({"ok": v.ok, "message": v.message, "gpu_sizing": v.gpu_sizing, "spec": v.spec}, default=str))
