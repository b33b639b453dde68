"""One Flash release's parser as a JSON-lines server (the oracle of the differential tests).

Run by a release's own interpreter, ``.venv-flash/<release>/bin/python -I worker.py``: it imports that
release's ``flash`` and nothing from our repository (``-I`` keeps the script's folder off
``sys.path``), so it only needs the standard library.

Protocol, one JSON document per line:

- the parent sends ``{"op": "parse", "cases": [{"base": FILE, "overlays": [FILE, ...], "sets":
  ["train.lora_rank=8", ...]}, ...]}`` where a FILE is ``{"text": "..."}`` or, byte-exact,
  ``{"b64": "..."}``;
- the worker answers with one line per case, in order: ``{"ok", "message", "gpu_sizing", "spec",
  "output", "where", "network"}``, where ``spec`` is the resolved spec (``JobSpec.to_dict()``) when ok;
  TOML dates and times in it are tagged ``{"$toml": "date", "iso": "2024-01-01"}``;
- ``{"op": "hello"}`` answers ``{"release": flash.__version__, "path": [...]}``; ``{"op":
  "network-probe"}`` answers like a parse whose "parser" tries to connect (a self-test of the guard).

Each parse runs the code path of ``flash train CONFIG [--config OVERLAY]... [--set KEY=VALUE]...`` up
to the point where the CLI needs the service:

- releases before 0.2.56 (their ``--dry-run`` is local): ``flash.schema.spec_from_file`` and the
  dry-run tail of ``cmd_train``, a ``json.dumps`` of the payload (which fails on a TOML date in
  ``[environment.params]``);
- later releases: ``flash.schema.spec_and_train_keys_from_file`` (with ``project_required=True`` from
  1.0.25 on, as the CLI passes it) and ``flash.client.specs.spec_payload``. That is the parser: what
  it rejects is an error for us. What `flash train` does next needs a login and the service (the
  declared secrets' values, ``client.create_run``'s ``json.dumps``, which crashes on a TOML date in
  ``[environment.params]``): for us those are warnings (the parse passes; the submission cannot), so
  they are not part of the verdict.

A rejection is what the CLI prints: ``error: <message>`` for the CLI's ``_USER_ERRORS`` (``message``
is the text after ``error:``), a traceback for anything else (``message`` is ``"<Type>: <text>"``).

Safety, as in the original in-process oracle:

- offline: ``FLASH_NO_UPDATE_CHECK=1``, ``HF_HUB_OFFLINE=1``; ``huggingface_hub`` cannot be imported
  (a clean install has none, and Flash's only Hub lookups import it); socket connects and DNS lookups
  raise an exception Flash's ``except Exception`` cannot swallow, and any attempt marks the reply
  ``network: true``, which the parent treats as an oracle bug;
- a per-parse CPU-time deadline (``DEADLINE_CPU_SECONDS``): some configs make Flash loop practically
  forever in GPU sizing (0.2.43: a GRPO ``max_length`` near 2**53); a parse that overruns is reported
  as not ok, with ``gpu_sizing`` set when it was stuck in the sizing code. CPU time, not wall time, so
  a busy machine (three oracles on two cores) cannot turn a slow parse into a false timeout;
- Flash's stdout and stderr are captured (``output``) and the protocol uses a private copy of the
  original stdout, so nothing Flash prints can corrupt it;
- each release words its GPU-sizing rejections differently (``SIZING_MESSAGES``); a rejection matching
  its release's patterns is flagged ``gpu_sizing``: no schema can reproduce a VRAM estimate.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import inspect
import io
import json
import os
import re
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, NoReturn

# A parse takes 1-6 ms; the hanging ones never finish. A parse that overruns outside the sizing code is
# retried once with the longer deadline.
DEADLINE_CPU_SECONDS = 0.5
RETRY_DEADLINE_CPU_SECONDS = 10.0
# Dry-run passes new_run_id() (`flash-<unixtime>-<8 hex>`); it is never validated, so a fixed value in
# the same format keeps the answers deterministic.
DRY_RUN_ID = "flash-0-00000000"
OFFLINE_ENV = {"FLASH_NO_UPDATE_CHECK": "1", "HF_HUB_OFFLINE": "1"}

# Where Flash sizes GPUs, across the releases' layouts (0.2.x/1.0.x: engine/vram.py and providers/;
# 1.3.x: engine/plan/vram.py and providers/core/).
SIZING_CODE = (
    "flash/engine/vram.py",
    "flash/engine/plan/vram.py",
    "flash/providers/base.py",
    "flash/providers/allocator.py",
    "flash/providers/core/",
)

# GPU-sizing rejections, by the first release that words them so (the newest entry not above the
# running release applies). Read from each release's sizing code (providers/, engine/vram, schema).
SIZING_MESSAGES: tuple[tuple[tuple[int, ...], tuple[str, ...]], ...] = (
    ((0, 2, 42), (r"no validated RunPod-provisionable GPU class has >= \d+ GB VRAM",)),
    (
        (0, 2, 45),  # OPD's own wording; from 0.2.58 `[gpu] exact_type` is checked against the estimate
        (
            r"no validated RunPod-provisionable GPU class has >= \d+ GB VRAM",
            r"opd needs >= \S+ GB VRAM, more than any single validated GPU .*",
            r"gpu\.exact_type '.*' has \d+ GB VRAM, but this run requires at least \S+ GB",
        ),
    ),
    (
        (1, 3, 8),  # multi-card sizing (providers/core/fit_errors.py) and pinned `gpu.type` classes
        (
            r"no validated GPU class has >= \S+ GB VRAM.*",
            r"(sft|grpo|opd) needs >= \S+ GB VRAM[,;] .*",
            r"gpu\.type '.*' has \d+ GB VRAM, but this run requires at least \S+ GB.*",
            r"training dimensions exceed the supported numeric range",
        ),
    ),
)


class _Attempts:
    """Network attempts seen since the current parse started (Flash may swallow the exception)."""

    count = 0


class NetworkAttemptError(BaseException):
    """Raised (a BaseException, so Flash's ``except Exception`` cannot swallow it) on any I/O."""


class DeadlineExceededError(BaseException):
    """Raised from SIGPROF inside a parse that overran ``DEADLINE_CPU_SECONDS``."""


def release_tuple(version: str) -> tuple[int, ...]:
    """``"1.2.111.post1"`` -> ``(1, 2, 111)``."""
    parts = []
    for part in version.split("."):
        match = re.match(r"\d+", part)
        if match is None:
            break
        parts.append(int(match.group()))
        if match.end() != len(part):
            break
    return tuple(parts)


def _deny_network(*_args: Any, **_kwargs: Any) -> NoReturn:
    _Attempts.count += 1
    msg = "the Flash oracle must not touch the network"
    raise NetworkAttemptError(msg)


def go_offline() -> None:
    """Process-wide and for good: this process exists only to parse."""
    os.environ.update(OFFLINE_ENV)
    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        setattr(socket.socket, name, _deny_network)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        setattr(socket, name, _deny_network)
    # Flash imports huggingface_hub lazily for its Hub lookups and treats an ImportError as "unknown";
    # None in sys.modules makes every such import fail, as in a clean install.
    sys.modules["huggingface_hub"] = None  # type: ignore[assignment]


def _on_deadline(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise DeadlineExceededError


@contextlib.contextmanager
def deadline(seconds: float) -> Any:
    signal.signal(signal.SIGPROF, _on_deadline)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


def stuck_in_sizing(tb: TracebackType | None) -> tuple[bool, str]:
    """Whether the innermost frames of a timed-out parse are Flash's GPU sizing, and where."""
    in_sizing, where = False, "?"
    while tb is not None:
        code = tb.tb_frame.f_code
        filename = code.co_filename.replace("\\", "/")
        if any(part in filename for part in SIZING_CODE):
            in_sizing = True
        if code.co_filename != __file__:  # skip the signal handler itself
            where = f"{code.co_name} ({'/'.join(filename.split('/')[-3:])}:{tb.tb_lineno})"
        tb = tb.tb_next
    return in_sizing, where


def raised_where(exc: BaseException) -> str:
    """``module.py:function`` of the frame that raised the root cause (for reports, not verdicts)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    tb, last = exc.__traceback__, None
    while tb is not None:
        last, tb = tb, tb.tb_next
    if last is None:
        return "?"
    filename = last.tb_frame.f_code.co_filename.replace("\\", "/")
    return f"{'/'.join(filename.split('/')[-2:])}:{last.tb_frame.f_code.co_name}"


def json_default(value: object) -> object:
    """TOML values JSON has no type for (a parse result keeps them as they came from tomllib)."""
    if isinstance(value, datetime.datetime):
        return {"$toml": "datetime", "iso": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$toml": "date", "iso": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$toml": "time", "iso": value.isoformat()}
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    return {"$repr": repr(value)}


class Release:
    """The running release's parse path and error classes."""

    def __init__(self) -> None:
        import flash

        self.version: str = flash.__version__
        self.number = release_tuple(self.version)
        self.user_errors = self._user_errors()
        patterns = next(p for since, p in reversed(SIZING_MESSAGES) if since <= self.number)
        self.sizing = re.compile("|".join(f"(?:{p})" for p in patterns))
        schema = __import__("flash.schema", fromlist=["_"])
        self.local_dry_run = self.number < (0, 2, 56)
        if self.local_dry_run:
            self.parse_file = schema.spec_from_file
            self.kwargs: dict[str, Any] = {"run_id": DRY_RUN_ID}
            self.payload = None
        else:
            self.parse_file = schema.spec_and_train_keys_from_file
            self.kwargs = {"run_id": None}
            if self.number >= (1, 0, 25) and "project_required" in inspect.signature(self.parse_file).parameters:
                self.kwargs["project_required"] = True
            self.payload = __import__("flash.client.specs", fromlist=["_"]).spec_payload

    @staticmethod
    def _user_errors() -> tuple[type[BaseException], ...]:
        for module in ("flash.cli.parsing.main", "flash.cli.commands"):
            with contextlib.suppress(ImportError):
                errors = getattr(__import__(module, fromlist=["_"]), "_USER_ERRORS", None)
                if errors:
                    return tuple(errors)
        schema = __import__("flash.schema", fromlist=["_"])
        return (schema.ConfigError, FileNotFoundError, ValueError)

    def describe(self) -> dict[str, Any]:
        return {
            "release": self.version,
            "path": "spec_from_file + dry-run json.dumps"
            if self.local_dry_run
            else f"spec_and_train_keys_from_file({', '.join(f'{k}={v!r}' for k, v in self.kwargs.items())})"
            " + spec_payload",
            "executable": sys.executable,
        }

    def run(self, base: str, overlays: list[str], sets: list[str]) -> dict[str, Any]:
        """One ``flash train`` parse; returns the resolved spec."""
        if self.local_dry_run:
            spec = self.parse_file(base, overrides=sets, extra_configs=overlays, **self.kwargs)
            payload = {"run_id": spec.run_id, "state": "dry_run", "spec": spec.to_dict()}
            json.dumps(payload, indent=2)  # cmd_train prints this; a TOML date makes it raise
            return payload["spec"]  # type: ignore[no-any-return]
        spec, authored = self.parse_file(base, overrides=sets, extra_configs=overlays, **self.kwargs)
        self.payload(spec, authored_train_keys=authored)
        return spec.to_dict()  # type: ignore[no-any-return]


def _write(path: Path, file: dict[str, str]) -> str:
    """A file of the request: ``{"text": ...}`` or, byte-exact, ``{"b64": ...}``."""
    # Binary: no newline translation, so CR/CRLF reach tomllib byte-exact; lone surrogates arrive as
    # invalid UTF-8, as a real file's bad bytes would.
    data = base64.b64decode(file["b64"]) if "b64" in file else file["text"].encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    return str(path)


def parse_one(
    release: Release,
    tmp: Path,
    case: dict[str, Any],
    probe: bool = False,
    deadline_seconds: float = DEADLINE_CPU_SECONDS,
) -> dict[str, Any]:
    _Attempts.count = 0
    base = _write(tmp / "config.toml", case["base"])
    overlays = [_write(tmp / f"overlay-{i}.toml", f) for i, f in enumerate(case.get("overlays") or ())]
    out = io.StringIO()
    reply: dict[str, Any] = {"ok": True, "message": None, "gpu_sizing": False, "spec": None, "where": None}
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), deadline(deadline_seconds):
            if probe:  # Flash's own Hub lookups swallow every Exception like this; the guard still sees it
                with contextlib.suppress(Exception):
                    socket.create_connection(("pypi.org", 443), timeout=1)
                reply["spec"] = {}
            else:
                reply["spec"] = release.run(base, overlays, list(case.get("sets") or ()))
    except DeadlineExceededError as exc:
        in_sizing, where = stuck_in_sizing(exc.__traceback__)
        if not in_sizing and deadline_seconds < RETRY_DEADLINE_CPU_SECONDS:
            # Slow for another reason (a first import of a lazily loaded module): give it time.
            return parse_one(release, tmp, case, probe, RETRY_DEADLINE_CPU_SECONDS)
        message = (
            f"timeout: Flash did not finish within {deadline_seconds} s of CPU (stuck in {where}); "
            "`flash train` hangs on this config"
        )
        reply.update(ok=False, message=message, gpu_sizing=in_sizing, where=where)
    except NetworkAttemptError:
        reply.update(ok=False, message="the parse tried to reach the network")
    except release.user_errors as exc:  # printed by the CLI as `error: <message>`
        message = str(exc)
        reply.update(ok=False, message=message, gpu_sizing=bool(release.sizing.fullmatch(message)))
        reply["where"] = raised_where(exc)
    except Exception as exc:  # the CLI shows a traceback, exit 1
        reply.update(ok=False, message=f"{type(exc).__name__}: {exc}", where=raised_where(exc))
    finally:
        for overlay in overlays:
            Path(overlay).unlink()
    if not reply["ok"]:
        reply["spec"] = None
    reply["output"] = out.getvalue()
    reply["network"] = _Attempts.count > 0
    return reply


def main() -> None:
    # The protocol gets a private copy of stdout; fd 1 itself goes to /dev/null, so even a write by a
    # child process or C code cannot land in a reply.
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the process's lifetime
    go_offline()
    release = Release()
    with tempfile.TemporaryDirectory(prefix="flash-oracle-") as tmp:
        os.chdir(tmp)
        work = Path(tmp) / "case"
        work.mkdir()
        for line in sys.stdin:
            request = json.loads(line)
            op = request.get("op")
            if op == "hello":
                replies: Iterator[dict[str, Any]] = iter([release.describe()])
            elif op == "network-probe":
                replies = iter([parse_one(release, work, {"base": {"text": ""}}, probe=True)])
            elif op == "parse":
                replies = (parse_one(release, work, case) for case in request["cases"])
            else:
                replies = iter([{"error": f"unknown op {op!r}"}])
            for reply in replies:  # one line per case, as soon as it is known
                channel.write(json.dumps(reply, default=json_default) + "\n")
                channel.flush()


if __name__ == "__main__":
    main()
