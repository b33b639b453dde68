"""Coverage-guided fuzzing of flash-schema with atheris (`make fuzz`).

    python fuzz/run.py --runs 100000                 # what `make fuzz` runs
    python fuzz/run.py --runs 2500 -max_total_time=25 # the smoke run of `make test`
    python fuzz/run.py --replay fuzz/corpus          # run saved inputs once, without atheris
    python fuzz/run.py --update-corpus --runs 100000 # fuzz, then merge what was found into fuzz/corpus

Inputs start from the committed corpus (``fuzz/corpus``) plus seeds built from ``tests/cases`` and
``examples``; new inputs that reach new code go to a scratch corpus (``fuzz/.work``, ignored by
git), never into ``fuzz/corpus`` unless ``--update-corpus`` asks for a minimizing merge. What one
input does and which invariants it checks: see ``fuzz/targets.py``.

Coverage: ``--instrument imports`` (the default, ~110-170 inputs/s) instruments flash_schema and the
language server's features (the code under test); ``all`` instruments every loaded module too
(jsonschema, tomllib...): ~80 inputs/s for little more; ``none`` leaves libFuzzer blind (no feedback:
it shrinks the corpus to one byte), which is only good for timing the targets.

Any other ``-flag`` goes to libFuzzer as is (``-max_total_time=60``, ``-jobs=2``...).

A crash (an exception or a broken invariant) stops the run with exit code 1 and writes the input to
``fuzz/.work/artifacts/``; reproduce it with ``--replay FILE``. Exit code 0 means every input passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import targets  # noqa: E402

WORK = HERE / ".work"
CORPUS = HERE / "corpus"


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100_000, help="inputs to run (default: %(default)s)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="seed corpus, read only (default: fuzz/corpus)")
    parser.add_argument("--instrument", choices=("imports", "all", "none"), default="imports")
    parser.add_argument("--max-len", type=int, default=4096, help="longest input libFuzzer makes (bytes)")
    parser.add_argument("--timeout", type=int, default=20, help="seconds one input may take before it is a crash")
    parser.add_argument("--seed", type=int, default=0, help="libFuzzer seed (0: random)")
    parser.add_argument("--work", type=Path, default=WORK, help="scratch directory (default: fuzz/.work)")
    parser.add_argument("--update-corpus", action="store_true", help="merge new interesting inputs into --corpus")
    parser.add_argument("--replay", type=Path, nargs="+", help="run these files or directories once and exit")
    return parser.parse_known_args(argv)


def replay(paths: list[Path]) -> int:
    targets.load()
    files = sorted(f for p in paths for f in (p.rglob("*") if p.is_dir() else [p]) if f.is_file())
    failed = 0
    start = time.perf_counter()
    for f in files:
        try:
            targets.one_input(f.read_bytes())
        except Exception:
            failed += 1
            print(f"FAIL {f}", file=sys.stderr)
            traceback.print_exc()
    elapsed = time.perf_counter() - start
    print(f"replayed {len(files)} inputs in {elapsed:.1f}s, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def prepare_work_corpus(seed_corpus: Path, scratch: Path) -> Path:
    """A fresh scratch corpus: the committed corpus plus the repository's configs as seeds."""
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / ".gitignore").write_text("*\n")
    work = Path(tempfile.mkdtemp(prefix="corpus-", dir=scratch))
    for name, data in targets.seed_inputs().items():
        (work / f"seed-{name}").write_bytes(data)
    if seed_corpus.is_dir():
        for f in seed_corpus.iterdir():
            if f.is_file() and not f.name.startswith("."):
                shutil.copy(f, work / f.name)
    return work


def import_atheris() -> object:
    try:
        import atheris
    except ImportError:
        sys.exit("fuzz/run.py: atheris is not installed: pip install 'flash-schema[fuzz]' (or atheris)")
    return atheris


def fuzz(args: argparse.Namespace, extra: list[str]) -> None:
    atheris: Any = import_atheris()

    if args.instrument == "imports":
        with atheris.instrument_imports(include=["flash_schema", "flash_schema_lsp"]):
            targets.load()
    else:
        targets.load()
        if args.instrument == "all":
            atheris.instrument_all()

    work = prepare_work_corpus(args.corpus, args.work)
    artifacts = args.work / "artifacts"
    artifacts.mkdir(exist_ok=True)
    libfuzzer = [
        sys.argv[0],
        f"-runs={args.runs}",
        f"-max_len={args.max_len}",
        f"-timeout={args.timeout}",
        "-rss_limit_mb=3072",
        f"-seed={args.seed}",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        *extra,
        str(work),
    ]
    print(f"fuzz: scratch corpus {work}, instrument={args.instrument}", file=sys.stderr, flush=True)
    atheris.Setup(libfuzzer, targets.one_input)
    atheris.Fuzz()  # runs until -runs, then exits the process (libFuzzer prints the stat:: lines)


def merge(args: argparse.Namespace) -> int:
    """Minimize the scratch corpora into --corpus (libFuzzer's set-cover merge, run in a child)."""
    scratch = sorted(p for p in args.work.glob("corpus-*") if p.is_dir())
    args.corpus.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        __file__,
        "--instrument",
        args.instrument,
        "--corpus",
        os.devnull,
        f"--max-len={args.max_len}",
        # Keep one input per coverage edge (not per hit count): a corpus small enough to commit.
        "-set_cover_merge=1",
        "-use_counters=0",
        str(args.corpus),
        *map(str, scratch),
    ]
    return subprocess.call(cmd)


def main(argv: list[str]) -> int:
    args, extra = parse_args(argv)
    if args.replay:
        return replay(args.replay)
    if args.update_corpus:
        code = subprocess.call([sys.executable, __file__, *[a for a in argv if a != "--update-corpus"]])
        if code != 0:
            return code
        return merge(args)
    if any(a.startswith("-") and "merge" in a for a in extra):
        # A merge run: libFuzzer's own positional corpora, no scratch copy.
        atheris: Any = import_atheris()

        with atheris.instrument_imports(include=["flash_schema", "flash_schema_lsp"]):
            targets.load()
        corpora = [a for a in extra if not a.startswith("-")]
        flags = [a for a in extra if a.startswith("-")]
        # libFuzzer re-runs this command line through the shell for each merge step.
        program = f"{sys.executable} {Path(__file__).resolve()}"
        atheris.Setup([program, f"-max_len={args.max_len}", *flags, *corpora], targets.one_input)
        atheris.Fuzz()
    fuzz(args, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
