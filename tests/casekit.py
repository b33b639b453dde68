"""The data-driven cases: `tests/cases/<dialect>/<name>.toml` plus `<name>.expected`, shared by
every surface (the core, the CLI, the language server and each dialect's real Flash parser).

The folder names the Flash dialect the case is checked under (`0.2.43`, `1.0`, `1.3`). A case may
start with a comment `# flash-schema-args: ARGS` giving `--config FILE` / `--set K=V` arguments
(files relative to the case's folder). Files whose name starts with `_` are overlays, not cases.
Set FLASH_SCHEMA_UPDATE_GOLDEN=1 to rewrite the `.expected` files after a reviewed change.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

import flash_schema
from flash_schema.checker import CheckResult
from flash_schema.fixes import resolve as resolve_fix
from flash_schema.releases import dialect_release
from flash_schema.reporting import position

CASES = Path(__file__).parent / "cases"
UPDATE = os.environ.get("FLASH_SCHEMA_UPDATE_GOLDEN") == "1"


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    overlays: tuple[str, ...]
    sets: tuple[str, ...]
    dialect: str = "0.2.43"

    @property
    def id(self) -> str:
        return f"{self.dialect}/{self.name}"

    @property
    def release(self) -> str:
        """The exact release the case's dialect checks (`1.0` -> `1.0.1`)."""
        return dialect_release(self.dialect)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def expected_path(self) -> Path:
        return self.path.with_suffix(".expected")

    @property
    def cli_args(self) -> list[str]:
        args: list[str] = ["--flash-version", self.release]
        for o in self.overlays:
            args += ["--config", str(self.folder / o)]
        for s in self.sets:
            args += ["--set", s]
        return args


def load_cases() -> list[Case]:
    out = []
    for path in sorted(CASES.glob("*/*.toml")):
        if path.name.startswith("_"):
            continue
        overlays: list[str] = []
        sets: list[str] = []
        first = path.read_text("utf-8", errors="replace").split("\n", 1)[0]
        if first.startswith("# flash-schema-args:"):
            words = shlex.split(first.split(":", 1)[1])
            for flag, value in zip(words[::2], words[1::2], strict=False):
                (overlays if flag == "--config" else sets).append(value)
        out.append(Case(path.stem, path, tuple(overlays), tuple(sets), path.parent.name))
    return out


def run_core(case: Case) -> CheckResult:
    """The case checked through the library API, as `flash-schema check` would check it."""
    overlays = [case.folder / o for o in case.overlays]
    return flash_schema.check_file(case.path, flash_version=case.release, overlays=overlays, sets=case.sets)


def golden_lines(result: CheckResult) -> list[str]:
    """One line per diagnostic: `where severity[code] key: message`."""
    lines = []
    for d in result.diagnostics:
        doc = result.document_of(d)
        if doc is None:
            where = f"({d.origin})"
        else:
            p = position(doc, d)
            prefix = f"{Path(d.source).name}:" if d.source else ""
            where = f"{prefix}{p.line}:{p.column}-{p.end_line}:{p.end_column}"
        hint = f"\n    hint: {d.hint}" if d.hint else ""
        resolved = resolve_fix(doc, d) if doc is not None else None
        fix = f"\n    fix: {resolved.title}" if resolved else ""
        lines.append(f"{where} {d.severity.value}[{d.code}] {d.key or '(root)'}: {d.message}{hint}{fix}")
    return lines
