"""`make flash-drift`: what the newest `freesolo-flash` decides differently on the newest dialect's corpus.

Run after a Flash release, with the newest release from the registry in `.venv-flash/latest` (the make
target refreshes it). Every case of the 1.3 corpus (and every 1.3 hand case) goes through that release,
through the 1.3.28 oracle the dialect is exact for, and through our checker; the script prints

- where the newest Flash now differs from 1.3.28: the rules Flash changed, grouped by the newest
  release's message (or "accepted"), with counts and a few case ids;
- where our checker differs from the newest Flash: what the dialect must learn, grouped the same way.

GPU-sizing rejections are left out, as in the differential tests. Exit status: 0 when nothing differs,
1 when something does, 2 when an oracle cannot run.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate
from corpus.hand import hand_cases
from flash_oracle import DIALECTS, FlashVerdict, OracleError, OracleInput, oracle, verdicts_many
from ours import ours

DIALECT = "1.3"
EXAMPLES = 4


def rule_of(verdict: FlashVerdict) -> str:
    """A rule's name from one verdict: the message with the case-specific values blanked."""
    if verdict.ok:
        return "accepted"
    message = verdict.message or "?"
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    message = re.sub(r"\b\d+(\.\d+)?(e[+-]?\d+)?\b", "N", message)
    return message if len(message) <= 160 else message[:159] + "…"


def _table(title: str, rows: Sequence[tuple[str, str, str]]) -> None:
    """rows: (case id, the newest Flash's rule, what the other side says); grouped by the first."""
    print(f"\n{title}: {len(rows)} case(s)")
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for case_id, newest, other in rows:
        groups[newest].append((case_id, other))
    for newest, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        print(f"  {len(members):4d}  {newest}")
        for case_id, other in members[:EXAMPLES]:
            print(f"          {case_id}  ({other})")
        if len(members) > EXAMPLES:
            print(f"          … and {len(members) - EXAMPLES} more")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", default="latest", help="the .venv-flash/<release> to compare (default: latest)")
    args = parser.parse_args(argv)
    cases: list[OracleInput] = [*generate(DIALECT), *hand_cases(DIALECT)]
    pinned = DIALECTS[DIALECT]
    started = time.perf_counter()
    try:
        newest_version = oracle(args.release).hello()["release"]
        answers = verdicts_many({args.release: cases, pinned: cases})
    except OracleError as exc:
        print(f"flash-drift: {exc}", file=sys.stderr)
        return 2
    print(
        f"freesolo-flash {newest_version} ({args.release}) vs {pinned} (dialect {DIALECT}) vs flash-schema, "
        f"on {len(cases)} cases ({time.perf_counter() - started:.1f} s)"
    )
    flash_changed: list[tuple[str, str, str]] = []
    ours_differ: list[tuple[str, str, str]] = []
    for case, newest, old in zip(cases, answers[args.release], answers[pinned], strict=True):
        case_id = getattr(case, "id", "?")
        if newest.gpu_sizing:
            continue
        if (newest.ok, newest.message) != (old.ok, old.message) and not old.gpu_sizing:
            flash_changed.append((case_id, rule_of(newest), f"{pinned}: {rule_of(old)}"))
        valid, errors = ours(case.text, case.overlays, case.sets, newest_version)
        if valid != newest.ok:
            ours_differ.append((case_id, rule_of(newest), "flash-schema: " + ("; ".join(errors[:2]) or "valid")))
    _table(f"Flash {newest_version} decides differently from {pinned}", flash_changed)
    _table(f"flash-schema (dialect {DIALECT}) disagrees with Flash {newest_version}", ours_differ)
    if not flash_changed and not ours_differ:
        print("\nno drift: the newest Flash and flash-schema agree on every case")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
