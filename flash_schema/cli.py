"""The `flash-schema` command line: a thin click shell over the core."""

from __future__ import annotations

import gc
import os
import sys
import typing as t

import click

from flash_schema import __version__

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
    only_flash_configs: bool = False


def _use_color(choice: Color, stream: t.TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def resume_gc() -> None:
    """End of start-up when the console script paused the cycle collector (`flash_schema._entry`).

    Loads everything a check needs while the collector is still off, freezes it (no collection
    walks it again; forked workers do not copy it) and turns the collector back on.
    """
    if gc.isenabled():  # called some other way (tests, a library user): nothing was paused
        return
    from flash_schema import batch, reporting  # noqa: F401 - the checker, loaded now
    from flash_schema.validate import load_validator

    load_validator()
    gc.freeze()
    gc.enable()


def run_check(options: CheckOptions, stdin: t.BinaryIO | None = None) -> tuple[int, str, str]:
    """Run a check; returns (exit code, stdout text, stderr text). No printing here."""
    from flash_schema.batch import check_files
    from flash_schema.check import check_config
    from flash_schema.document import Document
    from flash_schema.files import InputError, read_config_bytes
    from flash_schema.reporting import render_github, render_json, render_text

    errors: list[str] = []
    overlays = []
    for overlay in options.overlays:
        try:
            overlays.append((overlay, Document.from_bytes(read_config_bytes(overlay))))
        except InputError as exc:
            return 2, "", f"flash-schema: error: overlay {exc}\n"
    names = _flash_configs(options.files) if options.only_flash_configs else options.files
    paths = [name for name in names if name != "-"]
    checked = iter(check_files(paths, overlays, options.sets, options.jobs))
    results = []
    for name in names:
        if name == "-":
            label = options.stdin_filename or "<stdin>"
            raw = (stdin or sys.stdin.buffer).read()
            if options.only_flash_configs and not _is_flash(options.stdin_filename, raw):
                continue
            results.append(check_config(label, Document.from_bytes(raw), overlays, options.sets))
            continue
        outcome = next(checked)
        if isinstance(outcome, InputError):
            errors.append(f"flash-schema: error: {outcome}")
        else:
            results.append(outcome)
    if options.output_format == "json":
        out = render_json(results, quiet=options.quiet)
    elif options.output_format == "github":
        out = render_github(results, quiet=options.quiet)
    else:
        color = _use_color(options.color, sys.stdout)
        out = render_text(results, color=color, quiet=options.quiet, strict=options.strict)
    err = "".join(e + "\n" for e in errors)
    if errors:
        return 2, out, err
    failed = any(not r.valid for r in results) or (options.strict and any(r.diagnostics for r in results))
    return (1 if failed else 0), out, err


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flash-schema")
def main() -> None:
    """Validate Flash (`flash train`) TOML configs against the canonical schema."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@click.option(
    "-c",
    "--config",
    "overlays",
    multiple=True,
    metavar="OVERLAY.toml",
    help="Deep-merge this TOML onto each file first, as `flash train --config` does (repeatable).",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a value after the overlays, as `flash train --set` does (repeatable).",
)
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output (auto: only on a terminal, and never with NO_COLOR set).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--stdin-filename", metavar="NAME", help="Name to report for `-` (standard input).")
@click.option(
    "--only-flash-configs",
    is_flag=True,
    help="Skip, silently, TOML files that are not Flash configs (the language server's rule: a top-level "
    "`model` with a Flash table, or a `#:schema` naming the Flash schema). For pre-commit.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Processes to check with (default: one per core when there are 64 files or more).",
)
def check(
    files: tuple[str, ...],
    overlays: tuple[str, ...],
    sets: tuple[str, ...],
    output_format: Format,
    color: Color,
    quiet: bool,
    strict: bool,
    stdin_filename: str | None,
    only_flash_configs: bool,
    jobs: int | None,
) -> None:
    """Check Flash configs. Exit 0: Flash accepts them; 1: an error (or a warning with --strict);
    2: a file could not be read."""
    options = CheckOptions(
        files, overlays, sets, output_format, color, quiet, strict, stdin_filename, jobs, only_flash_configs
    )
    resume_gc()
    code, out, err = run_check(options)
    if out:
        # click strips colour codes from output that is not a terminal unless told otherwise.
        click.echo(out, nl=False, color=True if color == "always" else None)
    if err:
        click.echo(err, nl=False, err=True)
    sys.exit(code)


@main.command()
@click.option(
    "--dialect",
    type=click.Choice(["draft-07", "2020-12"]),
    default="draft-07",
    show_default=True,
    help="draft-07 is the canonical file as-is; 2020-12 is derived from it.",
)
@click.option("-o", "--output", type=click.Path(), help="Write to FILE instead of stdout.")
def export(dialect: str, output: str | None) -> None:
    """Print the canonical JSON Schema (or a derived dialect)."""
    from flash_schema.export import export_schema

    text = export_schema(dialect)
    if output:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        click.echo(text, nl=False)


@main.command()
@click.option("-o", "--output", default="docs/reference.md", show_default=True, type=click.Path(dir_okay=False))
@click.option("--check", "check_only", is_flag=True, help="Exit 1 with a diff if the file is out of date.")
def docs(output: str, check_only: bool) -> None:
    """Render the Markdown reference docs from the schema."""
    from flash_schema.docs import write_or_check

    code, message = write_or_check(output, check_only=check_only)
    if message:
        click.echo(message, err=code != 0)
    sys.exit(code)


@main.command()
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default; editors pass it).")
@click.option("--clientProcessId", "client_process_id", hidden=True, help="Accepted and ignored (clients pass it).")
def lsp(stdio: bool, client_process_id: str | None) -> None:  # noqa: ARG001 - accepted, nothing to choose
    """Start the language server on stdio."""
    import gc

    # Importing pygls and lsprotocol builds objects that are all kept for good: the cycle
    # collector would walk them again and again (a tenth of the start-up) and find nothing.
    # start() freezes them and turns it back on.
    gc.disable()
    try:
        from flash_schema_lsp.server import start
    except ImportError as exc:
        gc.enable()
        sys.exit(_lsp_without_extras(str(exc)))
    start()


def _lsp_without_extras(reason: str) -> int:
    """The extras are missing: say what to install, on stderr and (for an editor) over LSP itself."""
    from flash_schema.lsp_fallback import missing_extras_message, serve

    text = missing_extras_message(reason)
    click.echo(f"flash-schema: error: {text}", err=True)
    if sys.stdin.isatty():
        return 1  # a person at a terminal: the line above is all there is to say
    try:
        return serve(sys.stdin.buffer, sys.stdout.buffer, text)
    except (BrokenPipeError, ConnectionResetError):
        return 0  # the editor went away first
