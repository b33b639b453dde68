"""What the `check` and `show` commands do, apart from click: options in, (exit code, stdout,
stderr) out. No printing here (check-jsonschema's shape: ``main`` builds the options, ``run`` runs).
"""

from __future__ import annotations

import os
import sys
import typing as t

Format = t.Literal["text", "json", "github"]
Color = t.Literal["auto", "always", "never"]


class CheckOptions(t.NamedTuple):
    """Everything `flash-schema check` was asked to do (separate from click for testing)."""

    files: tuple[str, ...]
    overlays: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()
    output_format: Format = "text"
    color: Color = "auto"
    quiet: bool = False
    strict: bool = False
    stdin_filename: str | None = None
    jobs: int | None = None
    flash_version: str | None = None
    fix: bool = False
    diff: bool = False
    only_flash_configs: bool = False


def _use_color(choice: Color, stream: t.TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def run_check(options: CheckOptions, stdin: t.BinaryIO | None = None) -> tuple[int, str, str]:
    """Run a check; returns (exit code, stdout text, stderr text). No printing here."""
    from flash_schema.batch import check_files
    from flash_schema.checker import check_config
    from flash_schema.document import Document
    from flash_schema.files import InputError
    from flash_schema.releases import resolve
    from flash_schema.reporting import render_github, render_json, render_text

    release = resolve(options.flash_version) if options.flash_version is not None else None
    errors: list[str] = []
    try:
        overlays = _read_overlays(options.overlays)
    except InputError as exc:
        return 2, "", f"flash-schema: error: overlay {exc}\n"
    names = _flash_configs(options.files) if options.only_flash_configs else options.files
    paths = [name for name in names if name != "-"]
    checked = iter(check_files(paths, overlays, options.sets, options.jobs, release))
    results = []
    for name in names:
        if name == "-":
            label = options.stdin_filename or "<stdin>"
            raw = (stdin or sys.stdin.buffer).read()
            if options.only_flash_configs and not _is_flash(options.stdin_filename, raw):
                continue
            where = options.stdin_filename  # a name given for stdin also finds its pin files
            result = check_config(
                where or label, Document.from_bytes(raw), overlays, options.sets, flash_version=release
            )
            result.path = label
            results.append(result)
            continue
        outcome = next(checked)
        if isinstance(outcome, InputError):
            errors.append(f"flash-schema: error: {outcome}")
        else:
            results.append(outcome)
    fixed_note = ""
    if options.fix or options.diff:
        if options.fix and "-" in options.files:
            return 2, "", "flash-schema: error: --fix writes files; for standard input use --diff\n"
        results, fixed_note, write_errors = _apply_fixes(options, results, overlays)
        errors += write_errors
    if options.output_format == "json":
        out = render_json(results, quiet=options.quiet)
    elif options.output_format == "github":
        out = render_github(results, quiet=options.quiet)
    else:
        color = _use_color(options.color, sys.stdout)
        out = render_text(results, color=color, quiet=options.quiet, strict=options.strict)
    out = fixed_note + out
    err = "".join(e + "\n" for e in errors)
    if errors:
        return 2, out, err
    failed = any(not r.valid for r in results) or (options.strict and any(r.diagnostics for r in results))
    return (1 if failed else 0), out, err


class ShowOptions(t.NamedTuple):
    """What `flash-schema show` was asked to do."""

    file: str
    overlays: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()
    output_format: t.Literal["toml", "json"] = "toml"
    flash_version: str | None = None


def run_show(options: ShowOptions, stdin: t.BinaryIO | None = None) -> tuple[int, str, str]:
    """Run `show`; returns (exit code, stdout text, stderr text). An invalid config gets its
    diagnostics exactly as `check` prints them (exit 1) and nothing else on stdout."""
    from flash_schema.document import Document
    from flash_schema.files import InputError, read_config_bytes
    from flash_schema.releases import resolve
    from flash_schema.reporting import render_json, render_text
    from flash_schema.show import render_json as show_json
    from flash_schema.show import render_toml, show_config

    try:
        overlays = _read_overlays(options.overlays)
    except InputError as exc:
        return 2, "", f"flash-schema: error: overlay {exc}\n"
    if options.file == "-":
        path, raw = "<stdin>", (stdin or sys.stdin.buffer).read()
    else:
        try:
            path, raw = options.file, read_config_bytes(options.file)
        except InputError as exc:
            return 2, "", f"flash-schema: error: {exc}\n"
    release = resolve(options.flash_version) if options.flash_version is not None else None
    try:
        result = show_config(path, Document.from_bytes(raw), overlays, options.sets, flash_version=release)
        checked = [result.check]
        if result.resolved is None:
            if options.output_format == "json":
                return 1, render_json(checked), ""
            return 1, render_text(checked, color=_use_color("auto", sys.stdout)), ""
        out = show_json(result) if options.output_format == "json" else render_toml(result)
    except RecursionError:  # tables nested hundreds of levels deep (dotted keys allow it)
        return 2, "", f"flash-schema: error: {path}: a value is nested too deeply to show\n"
    # Warnings (something the release accepts but ignores) go to stderr: stdout stays the config.
    err = render_text(checked, color=_use_color("auto", sys.stderr)) if result.check.diagnostics else ""
    return 0, out, err


def _apply_fixes(
    options: CheckOptions, results: list[t.Any], overlays: list[t.Any]
) -> tuple[list[t.Any], str, list[str]]:
    """`--fix` / `--diff`: apply the certain fixes; report the files as they are after them."""
    import difflib

    from flash_schema.checker import check_config
    from flash_schema.fixes import fix_config
    from flash_schema.secrets import redact
    from flash_schema.spans import lines

    notes: list[str] = []
    errors: list[str] = []
    after = []
    for result in results:
        fixed = fix_config(result.path, result.document, overlays, options.sets, result.release)
        if not fixed.applied:
            after.append(result)
            continue
        new_text = fixed.document.text
        if options.diff:
            diff = difflib.unified_diff(
                lines(result.document.text),
                lines(new_text),
                f"{result.path}",
                f"{result.path} (fixed)",
            )
            notes.append(redact("".join(diff)))
        else:
            try:
                with open(result.path, "w", encoding="utf-8", newline="") as fh:
                    fh.write(new_text)
            except OSError as exc:
                errors.append(f"flash-schema: error: {result.path}: cannot write the fixes ({exc.strerror or exc})")
                after.append(result)
                continue
        verb = "would fix" if options.diff else "fixed"
        count = len(fixed.applied)
        notes.append(f"{result.path}: {verb} {count} problem{'s' if count != 1 else ''}: {'; '.join(fixed.applied)}\n")
        checked = check_config(result.path, fixed.document, overlays, options.sets, flash_version=result.release)
        after.append(checked)
    text = "".join(notes)
    if options.output_format != "text":
        return after, "", errors  # machine output stays one document; the summary carries the result
    return after, text, errors


def _flash_configs(names: tuple[str, ...]) -> tuple[str, ...]:
    """The names that are Flash configs by the language server's rule (`flash_schema.detect`).

    A file that cannot be read is kept: checking it reports why, as without the option.
    """
    from flash_schema.detect import is_flash_config
    from flash_schema.files import peek_text

    kept = []
    for name in names:
        text = None if name == "-" else peek_text(name)
        if text is None or is_flash_config(name, text).is_flash:
            kept.append(name)
    return tuple(kept)


def _is_flash(name: str | None, raw: bytes) -> bool:
    from flash_schema.detect import is_flash_config

    return is_flash_config(name, raw.decode("utf-8", "replace").removeprefix("\ufeff")).is_flash


def _read_overlays(names: tuple[str, ...]) -> list[tuple[str, t.Any]]:
    """The `--config` overlays as documents (raises `InputError` for one it cannot read)."""
    from flash_schema.document import Document
    from flash_schema.files import read_config_bytes

    return [(name, Document.from_bytes(read_config_bytes(name))) for name in names]
