"""The release timeline: which keys and values each published release has, from history.toml.

It answers "when did this key come or go" for the cross-release messages (a key of another
release is told as such, with the release) and for hover ("Flash 0.2.49 and later").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Timeline:
    """Presence of every key path (and of every value of an enumerated key) per release."""

    versions: list[str]
    keys: dict[str, list[bool]] = field(default_factory=dict)
    values: dict[tuple[str, str], list[bool]] = field(default_factory=dict)
    renamed_to: dict[tuple[str, int], str] = field(default_factory=dict)  # (old, release index) -> new
    no_effect: set[tuple[str, int]] = field(default_factory=set)  # (key, release index) removed as a no-op

    def index(self, version: str) -> int:
        return self.versions.index(version)

    def ranges(self, path: str) -> list[tuple[str, str | None]]:
        """The (first, last) releases of each stretch that has ``path`` (``None``: still there)."""
        return _ranges(self.versions, self.keys.get(path, []))


def _ranges(versions: Sequence[str], present: Sequence[bool]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    start: int | None = None
    for i, here in enumerate(present):
        if here and start is None:
            start = i
        elif not here and start is not None:
            out.append((versions[start], versions[i - 1]))
            start = None
    if start is not None:
        out.append((versions[start], None))
    return out


def build_timeline(releases: Sequence[Mapping[str, Any]]) -> Timeline:
    """Replay history.toml's events, release by release."""
    versions = [str(r["version"]) for r in releases]
    tl = Timeline(versions)
    keys: set[str] = set()
    values: set[tuple[str, str]] = set()
    for i, release in enumerate(releases):
        for path in release.get("removed", []):
            keys.discard(path)
        for path in release.get("no_effect", []):
            tl.no_effect.add((path, i))
        for old, new in release.get("renamed", {}).items():
            keys.discard(old)
            keys.add(new)
            tl.renamed_to[(old, i)] = new
        keys.update(release.get("added", []))
        for key, vals in release.get("values_removed", {}).items():
            values.difference_update((key, v) for v in vals)
        for key, vals in release.get("values_added", {}).items():
            values.update((key, v) for v in vals)
        for path in keys | set(tl.keys):
            tl.keys.setdefault(path, [False] * len(versions))[i] = path in keys
        for pair in values | set(tl.values):
            tl.values.setdefault(pair, [False] * len(versions))[i] = pair in values
    return tl


def releases_text(tl: Timeline, path: str) -> str | None:
    """ "Flash 0.2.49 and later" / "Flash 0.2.42 to 0.2.47, 1.1.40 and later" (hover, docs)."""
    parts = []
    for first, last in tl.ranges(path):
        if last is None:
            parts.append(f"{first} and later")
        elif first == last:
            parts.append(first)
        else:
            parts.append(f"{first} to {last}")
    return "Flash " + ", ".join(parts) if parts else None


def other_release_notes(tl: Timeline, release: str, present: set[str]) -> dict[str, dict[str, str]]:
    """For each key path some release has but ``release`` lacks: what to tell a user who wrote it.

    Each entry has ``message`` (a sentence, no key path prefix) and, when renaming it would make
    the config right for ``release``, ``rename`` (the key's name in this release).
    """
    here = tl.index(release)
    out: dict[str, dict[str, str]] = {}
    for path, row in tl.keys.items():
        if path in present or row[here]:
            continue
        note = _later(tl, path, here, present) or _earlier(tl, path, here, present)
        if note:
            out[path] = note
    return dict(sorted(out.items()))


def _later(tl: Timeline, path: str, here: int, present: set[str]) -> dict[str, str] | None:
    row = tl.keys[path]
    for i in range(here + 1, len(row)):
        if row[i]:
            version = tl.versions[i]
            old = next((o for (o, j), n in tl.renamed_to.items() if n == path and j == i), None)
            name = path.rsplit(".", 1)[-1]
            if old is not None and old in present:
                old_name = old.rsplit(".", 1)[-1]
                return {
                    "message": f"`{name}` is what Flash {version} and later call `{old_name}`",
                    "rename": old_name,
                    "release": version,
                }
            return {"message": f"`{name}` needs Flash {version} or later", "release": version}
    return None


def _earlier(tl: Timeline, path: str, here: int, present: set[str]) -> dict[str, str] | None:
    row = tl.keys[path]
    for i in range(here, 0, -1):
        if row[i - 1] and not row[i]:
            version = tl.versions[i]
            name = path.rsplit(".", 1)[-1]
            new = tl.renamed_to.get((path, i))
            if new is not None and new in present:
                new_name = new.rsplit(".", 1)[-1]
                return {
                    "message": f"`{name}` was renamed `{new_name}` in Flash {version}",
                    "rename": new_name,
                    "release": version,
                }
            note = {"message": f"`{name}` was removed in Flash {version}", "release": version}
            if (path, i) in tl.no_effect:
                note["remove"] = "it had no effect"
            return note
    return None


def other_release_values(tl: Timeline, release: str, key: str, allowed: Sequence[str]) -> dict[str, str]:
    """For each value of ``key`` another release accepts but ``release`` does not: a sentence."""
    here = tl.index(release)
    out: dict[str, str] = {}
    for (k, value), row in tl.values.items():
        if k != key or value in allowed or row[here]:
            continue
        later = next((i for i in range(here + 1, len(row)) if row[i]), None)
        if later is not None:
            out[value] = f"`{value}` needs Flash {tl.versions[later]} or later"
            continue
        gone = next((i for i in range(here, 0, -1) if row[i - 1] and not row[i]), None)
        if gone is not None:
            out[value] = f"`{value}` was removed in Flash {tl.versions[gone]}"
    return dict(sorted(out.items()))
