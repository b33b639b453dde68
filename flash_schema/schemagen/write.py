"""Write (or check) every file generated from `schema/src/`: the per-dialect schemas, the release
map and the SchemaStore catalog entry. `make schema` writes them; a test fails when they drift."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from flash_schema.dialects import schema_file
from flash_schema.schemagen.build import BASE_URL, build_schema
from flash_schema.schemagen.source import Source, load_source

#: The newest dialect also ships as `flash.schema.json`, the file older links and SchemaStore name.
LATEST_FILE = "flash.schema.json"
RELEASES_FILE = "releases.json"
CATALOG_FILE = "catalog.json"


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def releases_data(source: Source) -> dict[str, Any]:
    """Every known release, the dialect that checks it and how it differs (`flash_schema.releases`)."""
    dialects = {
        name: {
            "release": source.dialects[name]["release"],
            "title": source.dialects[name]["title"],
            "summary": source.dialects[name].get("summary", ""),
            "schema": schema_file(name),
        }
        for name in source.dialects
    }
    releases = []
    for release in source.releases:
        entry = {"version": release["version"], "date": str(release["date"]), "dialect": release["dialect"]}
        if "note" in release:
            entry["note"] = release["note"]
        releases.append(entry)
    return {"dialects": dialects, "releases": releases}


def catalog_entry(source: Source) -> dict[str, Any]:
    """The SchemaStore catalog entry: the newest dialect's URL and one version per dialect."""
    names = list(source.dialects)
    return {
        "$schema": "https://json.schemastore.org/schema-catalog.json",
        "version": 1.0,
        "schemas": [
            {
                "name": "Flash training config",
                "description": "Flash (`flash train`) LoRA post-training config: SFT, GRPO and OPD",
                "fileMatch": ["**/configs/*.toml", "*.flash.toml"],
                "url": BASE_URL + LATEST_FILE,
                "versions": {source.dialects[d]["release"]: BASE_URL + schema_file(d) for d in reversed(names)}
                | {"latest": BASE_URL + schema_file(names[-1])},
            }
        ],
    }


def generated(root: Path) -> dict[Path, str]:
    """Every generated file under ``root`` (the repository's `schema/` folder) and its text."""
    source = load_source(root / "src")
    schemas = {dialect: build_schema(source, dialect) for dialect in source.dialects}
    newest = list(source.dialects)[-1]
    out = {root / schema_file(dialect): _dump(schema) for dialect, schema in schemas.items()}
    out[root / LATEST_FILE] = _dump({**schemas[newest], "$id": BASE_URL + LATEST_FILE})
    out[root / RELEASES_FILE] = _dump(releases_data(source))
    out[root / CATALOG_FILE] = _dump(catalog_entry(source))
    return out


def write_or_check(root: Path, *, check_only: bool = False) -> tuple[int, str]:
    """Write the generated files (exit 0), or compare them: exit 1 with a diff when one drifted."""
    problems = []
    for path, text in generated(root).items():
        current = path.read_text("utf-8") if path.exists() else ""
        if current == text:
            continue
        if check_only:
            diff = difflib.unified_diff(
                current.splitlines(keepends=True), text.splitlines(keepends=True), str(path), f"{path} (generated)", n=1
            )
            problems.append("".join(list(diff)[:40]))
        else:
            path.write_text(text, "utf-8")
    if problems:
        return 1, "".join(problems) + "\nthe generated schemas are out of date: run `make schema`"
    return 0, "generated schemas are up to date" if check_only else "wrote the generated schemas"
