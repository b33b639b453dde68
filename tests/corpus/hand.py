"""The hand-written cases of a dialect, as the differential tests and `make flash-drift` read them.

`tests/cases/<dialect>/<name>.toml` (the flat `tests/cases/` folder is 0.2.43's until the cases move
into per-dialect folders); `_*.toml` files are overlays. A first line `# flash-schema-args: --config
FILE --set KEY=VALUE ...` gives the case's command-line arguments (files relative to its folder).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CASES", "HandCase", "hand_cases"]

CASES = Path(__file__).resolve().parents[1] / "cases"


@dataclass(frozen=True)
class HandCase:
    """A hand-written case file, byte-exact, with the overlays and `--set`s its first line names."""

    id: str
    text: bytes
    overlays: tuple[bytes, ...]
    sets: tuple[str, ...]


def _folder(dialect: str, root: Path) -> Path | None:
    folder = root / dialect
    if folder.is_dir():
        return folder
    return root if dialect == "0.2.43" else None  # the flat folder predates the dialects


def hand_cases(dialect: str, root: Path = CASES) -> list[HandCase]:
    """Every hand case of one dialect, sorted by name (none when it has no folder yet)."""
    folder = _folder(dialect, root)
    if folder is None:
        return []
    out = []
    for path in sorted(folder.glob("*.toml")):
        if path.name.startswith("_"):
            continue
        raw = path.read_bytes()
        overlays: list[bytes] = []
        sets: list[str] = []
        first = raw.split(b"\n", 1)[0].decode("utf-8", "replace")
        if first.startswith("# flash-schema-args:"):
            words = shlex.split(first.split(":", 1)[1])
            for flag, value in zip(words[::2], words[1::2], strict=False):
                if flag == "--config":
                    overlays.append((folder / value).read_bytes())
                else:
                    sets.append(value)
        out.append(HandCase(path.stem, raw, tuple(overlays), tuple(sets)))
    return out
