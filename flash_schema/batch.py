"""Checking many config files in one run, spread over the machine's cores."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from flash_schema.checker import CheckResult, check_config
from flash_schema.document import Document
from flash_schema.files import InputError, read_config_bytes
from flash_schema.releases import Release

#: Below this many files one process is faster than starting workers.
PARALLEL_MIN = 64

Overlays = Sequence[tuple[str, Document]]
Outcome = CheckResult | InputError

# What every worker checks against; set before the workers fork, so it is inherited, not pickled.
_job: tuple[Overlays, Sequence[str], Release | None] = ((), (), None)


def check_one(name: str, overlays: Overlays = (), sets: Sequence[str] = (), release: Release | None = None) -> Outcome:
    """Read and check one file; an unreadable file comes back as its `InputError`.

    ``release``: the Flash release to check for (``None``: detect it for the file)."""
    try:
        raw = read_config_bytes(name)
    except InputError as exc:
        return exc
    return check_config(name, Document.from_bytes(raw), overlays, sets, flash_version=release)


def _worker(name: str) -> Outcome:
    return check_one(name, *_job)


def default_jobs(count: int) -> int:
    """How many processes to use for ``count`` files (1 when forking is unavailable)."""
    if count < PARALLEL_MIN or sys.platform == "win32" or not hasattr(os, "fork"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 8))


def check_files(
    names: Sequence[str],
    overlays: Overlays = (),
    sets: Sequence[str] = (),
    jobs: int | None = None,
    release: Release | None = None,
) -> list[Outcome]:
    """Check ``names`` in order; with several jobs the files are shared among forked workers."""
    jobs = default_jobs(len(names)) if jobs is None else jobs
    if jobs <= 1 or len(names) < 2:
        return [check_one(n, overlays, sets, release) for n in names]
    import multiprocessing

    from flash_schema.releases import detect
    from flash_schema.validate import load_validator

    # Once, here: the workers inherit the validators instead of each building their own.
    load_validator((release or detect(names[0])).dialect)
    global _job  # noqa: PLW0603 - handed to forked workers by inheritance
    _job = (overlays, sets, release)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return pool.map(_worker, names, chunksize=max(1, len(names) // (jobs * 4)))
    finally:
        _job = ((), (), None)
