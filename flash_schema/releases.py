"""Which Flash release a check speaks for: an option, the project's pin, the installed Flash, or
the newest release we know; and the dialect that checks it.

Detection runs for every checked file, so it stays cheap (the budget is 5 ms, no subprocess and
no network). That rules out the obvious libraries: `importlib.metadata` costs ~11 ms to import,
`packaging.requirements` ~12 ms and `packaging.specifiers` ~5 ms, and `tomllib` takes ~8 ms on a
300-package lock file. So the installed version is found by scanning `sys.path` for the dist-info
folder; a requirement is split by a small PEP 508 regex; a lock file's `freesolo-flash` entry is
found by a regex; and a version range is matched by `_satisfies`, PEP 440's operators over the
closed set of known Flash versions (plain releases, one `.postN`): all they ever need to compare.
Anything outside that (a pre-release or local version in a specifier) falls back to `packaging`.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from flash_schema.dialects import NEWEST, releases_data

PACKAGE = "freesolo-flash"
#: How a release was chosen (besides a pin file's path).
OPTION, INSTALLED, DEFAULT = "option", "installed", "default"

_VERSION = re.compile(r"^(\d+(?:\.\d+)*)(?:\.?post(\d+))?$")
# `freesolo-flash`, `freesolo_flash`, `Freesolo.Flash`... (PEP 503 normalisation), then extras,
# then the version part up to a marker or a URL.
_REQUIREMENT = re.compile(
    r"^\s*freesolo[-_.]+flash\s*(?:\[[^\]]*\])?\s*(?:\(\s*(?P<paren>[^)]*)\)|(?P<spec>[^;@#]*))", re.IGNORECASE
)
_MENTION = re.compile(r"freesolo[-_.]+flash", re.IGNORECASE)
_LOCK_ENTRY = re.compile(
    r'^\[\[package\]\][ \t]*\r?\nname[ \t]*=[ \t]*"freesolo[-_.]+flash"[ \t]*\r?\nversion[ \t]*=[ \t]*"([^"]+)"',
    re.IGNORECASE | re.MULTILINE,
)
_DIST_INFO = re.compile(r"^freesolo[-_.]+flash-([^-]+?)\.(?:dist|egg)-info$", re.IGNORECASE)


class VersionError(ValueError):
    """A `--flash-version` (or `flashVersion`) value that is not a Flash version."""


class Release(NamedTuple):
    """The release a check speaks for, the dialect that checks it, and why that release."""

    version: str
    dialect: str
    source: str  # "option", a pin file's path, "installed" or "default"
    note: str | None = None  # one line when the dialect's own release differs from `version`

    @property
    def label(self) -> str:
        """`Flash 1.3.28`."""
        return f"Flash {self.version}"


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a plain release version (``1.2.111.post1`` after ``1.2.111``)."""
    match = _VERSION.match(version.strip())
    if match is None:
        msg = f"{version!r} is not a Flash version (use a release like 1.3.28, a series like 1.3, or latest)"
        raise VersionError(msg)
    parts = tuple(int(p) for p in match.group(1).split("."))
    post = int(match.group(2)) + 1 if match.group(2) is not None else 0
    return (*parts, *(0,) * (4 - len(parts)), post)


@functools.cache
def known() -> tuple[dict[str, Any], ...]:
    """Every known release, oldest first: ``{"version", "date", "dialect", "note"?}``."""
    releases = releases_data()["releases"]
    return tuple(sorted(releases, key=lambda r: version_key(r["version"])))


def known_versions() -> list[str]:
    return [r["version"] for r in known()]


def newest() -> str:
    return str(known()[-1]["version"])


def dialect_release(dialect: str) -> str:
    """The release a dialect is exact for (``1.3`` -> ``1.3.28``)."""
    return str(releases_data()["dialects"][dialect]["release"])


def _release(version: str, source: str) -> Release:
    """The Release for ``version`` (known or not), with its note."""
    versions = known()
    key = version_key(version)
    for entry in versions:
        if version_key(entry["version"]) == key:
            note = entry.get("note")
            dialect = str(entry["dialect"])
            if note:
                note = f"Flash {version} is checked as Flash {dialect_release(dialect)}: {note}"
            return Release(entry["version"], dialect, source, note)
    if key > version_key(versions[-1]["version"]):
        return Release(
            version,
            NEWEST,
            source,
            f"Flash {version} is newer than every release flash-schema knows (newest: {versions[-1]['version']}); "
            f"checking it as Flash {dialect_release(NEWEST)}",
        )
    if key < version_key(versions[0]["version"]):
        oldest = str(versions[0]["dialect"])
        return Release(
            version,
            oldest,
            source,
            f"Flash {version} is older than every release flash-schema knows (oldest: {versions[0]['version']}); "
            f"checking it as Flash {dialect_release(oldest)}",
        )
    below = [e for e in versions if version_key(e["version"]) < key][-1]
    dialect = str(below["dialect"])
    return Release(
        version,
        dialect,
        source,
        f"Flash {version} was never published; checking it as Flash {dialect_release(dialect)}, the dialect of "
        f"{below['version']}",
    )


def resolve(spec: str | None, source: str = OPTION) -> Release:
    """A `--flash-version` value: a release (``1.0.1``), a series (``1.3``), ``latest``, or a
    dialect name; ``None`` means the newest known release."""
    if spec is None or spec.strip().lower() in ("", "latest"):
        return _release(newest(), source if spec is not None else DEFAULT)
    text = spec.strip().removeprefix("v")
    key = version_key(text)  # raises VersionError
    exact = [r for r in known() if r["version"] == text]
    if exact:
        return _release(text, source)
    depth = text.count(".") + 1
    if depth <= 2:  # a series: the newest known release in it
        series = [r["version"] for r in known() if version_key(r["version"])[:depth] == key[:depth]]
        if series:
            return _release(series[-1], source)
    return _release(text, source)


# -- detection ----------------------------------------------------------------------------------------


class _Pin(NamedTuple):
    spec: str  # "==1.0.1", ">=1.0,<1.1", "1.0.1" (exact, from a lock file)
    exact: bool


def detect(config: str | os.PathLike[str] | None, *, installed: bool = True) -> Release:
    """The release for a config file: the nearest pin at or above it, else the installed
    `freesolo-flash`, else the newest known release."""
    if config is not None:
        found = _pin_above(Path(config).resolve().parent)
        if found is not None:
            return found
    if installed:
        version = installed_version()
        if version is not None:
            return _release(version, INSTALLED)
    return _release(newest(), DEFAULT)


@functools.cache
def _pin_above(directory: Path) -> Release | None:
    """The first pin found walking up from ``directory`` (stopping at a repository root)."""
    for folder in (directory, *directory.parents):
        found = _pin_in(folder)
        if found is not None:
            return found
        if (folder / ".git").exists():
            return None
    return None


def _pin_in(folder: Path) -> Release | None:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    candidates: list[str] = [n for n in ("uv.lock", "poetry.lock", "pyproject.toml") if n in names]
    candidates += [n for n in names if n.startswith("requirements") and n.endswith(".txt")]
    for name in candidates:
        path = folder / name
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError:
            continue
        if _MENTION.search(text) is None:
            continue
        pin = _pins(name, text)
        if pin is not None:
            return _from_pin(pin, str(path))
    return None


def _pins(name: str, text: str) -> _Pin | None:
    if name.endswith(".lock"):
        return _lock_pin(text)
    if name == "pyproject.toml":
        return _pyproject_pin(text)
    return _requirement_lines(text.splitlines())


def _lock_pin(text: str) -> _Pin | None:
    """uv.lock / poetry.lock: the `[[package]]` entry named freesolo-flash (both tools write
    `name`, then `version`, on the lines after the header)."""
    match = _LOCK_ENTRY.search(text)
    return _Pin(match.group(1), exact=True) if match else None


def _pyproject_pin(text: str) -> _Pin | None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    project = data.get("project", {})
    lines: list[str] = list(_strings(project.get("dependencies")))
    for group in (project.get("optional-dependencies") or {}).values():
        lines += _strings(group)
    for group in (data.get("dependency-groups") or {}).values():
        lines += _strings(group)
    tool = data.get("tool", {})
    lines += _strings((tool.get("uv") or {}).get("dev-dependencies"))
    found = _requirement_lines(lines)
    if found is not None:
        return found
    poetry = tool.get("poetry") or {}
    for table in (
        poetry.get("dependencies"),
        *((g or {}).get("dependencies") for g in (poetry.get("group") or {}).values()),
    ):
        for key, value in (table or {}).items():
            if _MENTION.fullmatch(key):
                spec = value.get("version") if isinstance(value, Mapping) else value
                if isinstance(spec, str):
                    return _Pin(_poetry_spec(spec), exact=False)
    return None


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _requirement_lines(lines: Iterable[str]) -> _Pin | None:
    for raw in lines:
        line = raw.split(" #", 1)[0].strip()
        match = _REQUIREMENT.match(line)
        if match is None:
            continue
        spec = (match.group("paren") or match.group("spec") or "").strip()
        spec = spec.split("--hash", 1)[0].strip().rstrip("\\").strip()
        if not spec:
            return _Pin("", exact=False)
        bare = spec.removeprefix("===").removeprefix("==").strip()
        if spec.startswith("==") and "," not in spec and "*" not in bare:
            return _Pin(bare, exact=True)
        return _Pin(spec, exact=False)
    return None


def _poetry_spec(spec: str) -> str:
    """Poetry's ``^1.0.1`` / ``~1.0.1`` as PEP 440 (`packaging` does not read them)."""
    spec = spec.strip()
    if spec.startswith("^") or (spec.startswith("~") and not spec.startswith("~=")):
        caret = spec.startswith("^")
        base = [int(p) for p in re.findall(r"\d+", spec)[:3]] or [0]
        while len(base) < 3:
            base.append(0)
        if caret:
            first = next((i for i, p in enumerate(base) if p != 0), len(base) - 1)
            upper = [*base[:first], base[first] + 1]
        else:
            upper = [base[0], base[1] + 1]
        return f">={'.'.join(map(str, base))},<{'.'.join(map(str, upper))}"
    if re.fullmatch(r"\d+(\.\d+)*", spec):
        return f"=={spec}"
    return "" if spec == "*" else spec


def _from_pin(pin: _Pin, path: str) -> Release:
    if pin.exact:
        return _release(pin.spec, path)
    if not pin.spec:
        return _release(newest(), path)
    inside = _inside(pin.spec)
    if inside is None:
        return _release(newest(), path)
    if inside:
        return _release(inside[-1], path)
    return _release(newest(), path)._replace(
        note=f"no Flash release flash-schema knows satisfies `{PACKAGE}{pin.spec}`; checking as Flash {newest()}"
    )


_CLAUSE = re.compile(r"^\s*(===|==|!=|~=|<=|>=|<|>)\s*([0-9][0-9A-Za-z.*+!_-]*)\s*$")


def _inside(spec: str) -> list[str] | None:
    """The known releases a PEP 440 specifier set admits (``None``: not a specifier)."""
    clauses = [c for c in spec.split(",") if c.strip()]
    parsed = [_CLAUSE.match(c) for c in clauses]
    if not all(parsed) or any(not _VERSION.match(m.group(2).removesuffix(".*")) for m in parsed if m):
        return _inside_with_packaging(spec)
    return [v for v in known_versions() if all(_satisfies(v, m.group(1), m.group(2)) for m in parsed if m)]


def _satisfies(version: str, op: str, target: str) -> bool:
    """PEP 440's comparison for plain release versions (with an optional ``.postN``)."""
    if op == "===":
        return version == target
    if target.endswith(".*"):
        prefix = tuple(int(p) for p in target[:-2].split("."))
        head = version_key(version)[: len(prefix)]
        matched = head == prefix + (0,) * (len(prefix) - len(head))
        return matched if op == "==" else not matched if op == "!=" else False
    key, want = version_key(version), version_key(target)
    if op == "==":
        return key == want
    if op == "!=":
        return key != want
    if op == "<=":
        return key <= want
    if op == ">=":
        return key >= want
    if op == "<":
        return key < want
    if op == ">":  # `>1.2.111` admits no post-release of 1.2.111 itself (PEP 440)
        return key > want and key[:-1] != want[:-1]
    # `~=1.0.1` is `>=1.0.1, ==1.0.*`
    release = target.split(".post", maxsplit=1)[0].split(".")
    return key >= want and _satisfies(version, "==", ".".join(release[:-1]) + ".*")


def _inside_with_packaging(spec: str) -> list[str] | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        allowed = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    return [v for v in known_versions() if allowed.contains(v, prereleases=True)]


@functools.cache
def installed_version() -> str | None:
    """The `freesolo-flash` version installed for this interpreter, from its dist-info folder."""
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as it:
                for item in it:
                    match = _DIST_INFO.match(item.name)
                    if match is not None:
                        return match.group(1)
        except OSError:
            continue
    return None
