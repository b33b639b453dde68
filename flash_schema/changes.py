"""The generated page of what changed between the Flash releases (`docs/flash-releases.md`).

It is rendered from the same source as the schemas (`schema/src/history.toml` and the key
tables), so the release notes, the cross-release messages and this page cannot disagree.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from flash_schema.dialects import DIALECTS, schema_file
from flash_schema.keydocs import reference_page
from flash_schema.schema_index import get_index
from flash_schema.spans import format_path


def _source_root() -> Path:
    return Path(str(resources.files("flash_schema").joinpath("data", "src")))


def _keys(dialect: str) -> set[str]:
    index = get_index(dialect)
    return {format_path(path) for path in index.all_key_paths() if len(path) <= 2}


def render_changes() -> str:
    """The whole page: the dialects, a key matrix, then every release and what it changed."""
    from flash_schema.schemagen.source import load_source

    source = load_source(_source_root())
    indexes = {d: get_index(d) for d in DIALECTS}
    lines = [
        "<!-- Generated from schema/src/ by `flash-schema docs`; do not edit by hand: run `make docs`. -->",
        "",
        "# Flash releases and their config surface",
        "",
        "flash-schema checks a config for one Flash release: the one your project pins (a `freesolo-flash` "
        "requirement in `pyproject.toml`, `requirements*.txt`, `uv.lock` or `poetry.lock`), else the one "
        "installed, else the newest. Three dialects are exact, each for one release; every other known release "
        "is checked by the nearest dialect, with a one-line note on what it does differently.",
        "",
        "| Dialect | Exact for | Reference | Schema | What it is |",
        "|---|---|---|---|---|",
    ]
    for d in reversed(DIALECTS):
        entry = source.dialects[d]
        page, schema = reference_page(d), schema_file(d)
        lines.append(
            f"| `{d}` | Flash {entry['release']} | [{page}]({page}) | [`{schema}`](../schema/{schema}) | "
            f"{entry.get('summary', '')} |"
        )
    lines += [
        "",
        "## Keys per dialect",
        "",
        "| Key | " + " | ".join(f"Flash {indexes[d].flash_version}" for d in DIALECTS) + " |",
    ]
    lines.append("|---|" + "---|" * len(DIALECTS))
    every = sorted(set().union(*(_keys(d) for d in DIALECTS)), key=lambda k: (k.count("."), k))
    present = {d: _keys(d) for d in DIALECTS}
    for key in every:
        cells = ["yes" if key in present[d] else "—" for d in DIALECTS]
        if len(set(cells)) > 1:
            lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
    lines += ["", "Keys every dialect has are not listed.", "", "## Every release", ""]
    lines += ["| Release | Date | Checked as | What changed in the config surface |", "|---|---|---|---|"]
    for i, release in enumerate(source.releases):
        changed = _events(release, first=i == 0)
        note = release.get("note")
        checked = f"Flash {source.dialects[release['dialect']]['release']}"
        if note:
            checked += f" ({note})"
        lines.append(f"| {release['version']} | {release['date']} | {checked} | {changed or '—'} |")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def _events(release: dict[str, object], *, first: bool) -> str:
    """What ``release`` changed; what the ``first`` release adds is the initial surface, not a change."""
    parts: list[str] = []
    added = release.get("added")
    if isinstance(added, list) and not first:
        parts.append("added " + ", ".join(f"`{k}`" for k in added))
    removed = release.get("removed")
    if isinstance(removed, list):
        parts.append("removed " + ", ".join(f"`{k}`" for k in removed))
    renamed = release.get("renamed")
    if isinstance(renamed, dict):
        parts.append("renamed " + ", ".join(f"`{a}` → `{b}`" for a, b in renamed.items()))
    for field, verb in (("values_added", "new"), ("values_removed", "dropped")):
        values = release.get(field)
        if isinstance(values, dict) and not first:
            for key, vals in values.items():
                parts.append(f"{verb} `{key}` values " + ", ".join(f"`{v}`" for v in vals))
    about = release.get("about")
    if isinstance(about, dict):
        parts += [f"{k.strip('()')}: {v}" for k, v in about.items()]
    return "; ".join(parts)
