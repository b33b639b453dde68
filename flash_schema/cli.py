"""The `flash-schema` command line: a thin click shell over the core."""

from __future__ import annotations

import sys
import typing as t

import click

from flash_schema import __version__, startup
from flash_schema.commands import CheckOptions, Color, Format, ShowOptions, run_check, run_show


def resume_gc(flash_version: str | None = None, config: str | None = None) -> None:
    """End of start-up when the console script paused the cycle collector (`flash_schema._entry`).

    Loads everything a check needs while the collector is still off (the validator of the release
    ``config`` is checked for: ``flash_version``, else the one detected for it, as the check will),
    freezes it (no collection walks it again; forked workers do not copy it) and turns the
    collector back on.
    """
    if not startup.paused():  # called some other way (tests, a library user): nothing was paused
        return
    from flash_schema import batch, reporting  # noqa: F401 - the checker, loaded now
    from flash_schema.releases import detect, resolve
    from flash_schema.validate import load_validator

    load_validator((resolve(flash_version) if flash_version is not None else detect(config)).dialect)
    startup.loaded()


def _flash_version(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Validate `--flash-version` up front: a bad value is a usage error (exit 2), in one line."""
    if value is None:
        return None
    from flash_schema.releases import VersionError, resolve

    try:
        resolve(value)
    except VersionError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def _flash_version_option(help_text: str) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
    """`--flash-version X`, checked up front (``_flash_version``); ``help_text`` says what it picks."""
    return click.option("--flash-version", metavar="X", callback=_flash_version, help=help_text)


def _dialect_of(flash_version: str | None) -> str:
    from flash_schema.releases import resolve

    return resolve(flash_version).dialect


def _overlay_options(command: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """`-c/--config` and `--set`, the same for `check` and `show` (as `flash train` has them)."""
    command = click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="KEY=VALUE",
        help="Override a value after the overlays, as `flash train --set` does (repeatable).",
    )(command)
    return click.option(
        "-c",
        "--config",
        "overlays",
        multiple=True,
        metavar="OVERLAY.toml",
        help="Deep-merge this TOML onto the config first, as `flash train --config` does (repeatable).",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flash-schema")
def main() -> None:
    """Validate Flash (`flash train`) TOML configs against the canonical schema."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@_overlay_options
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
@_flash_version_option(
    "The Flash release to check for: a release (1.3.28), a series (1.3) or latest. "
    "Default: the freesolo-flash pinned near each file, else the installed one, else the newest known.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the certain fixes in place (renames, moves, removing keys with no effect), then report the rest.",
)
@click.option("--diff", is_flag=True, help="Print the certain fixes as a unified diff instead of writing them.")
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
    flash_version: str | None,
    fix: bool,
    diff: bool,
    only_flash_configs: bool,
    jobs: int | None,
) -> None:
    """Check Flash configs. Exit 0: Flash accepts them; 1: an error (or a warning with --strict);
    2: a file could not be read."""
    options = CheckOptions(
        files,
        overlays,
        sets,
        output_format,
        color,
        quiet,
        strict,
        stdin_filename,
        jobs,
        flash_version,
        fix,
        diff,
        only_flash_configs,
    )
    first = files[0] if files[0] != "-" else stdin_filename or "<stdin>"  # the name run_check checks it as
    resume_gc(flash_version, first)
    code, out, err = run_check(options)
    if out:
        # click strips colour codes from output that is not a terminal unless told otherwise.
        click.echo(out, nl=False, color=True if color == "always" else None)
    if err:
        click.echo(err, nl=False, err=True)
    sys.exit(code)


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=True))
@_overlay_options
@_flash_version_option(
    "The Flash release to resolve for: a release (1.3.28), a series (1.3) or latest. "
    "Default: the freesolo-flash pinned near the file, else the installed one, else the newest known.",
)
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["toml", "json"]),
    default="toml",
    show_default=True,
    help="TOML with a comment on each value the file does not set, or one JSON document.",
)
def show(
    file: str,
    overlays: tuple[str, ...],
    sets: tuple[str, ...],
    flash_version: str | None,
    output_format: t.Literal["toml", "json"],
) -> None:
    """Print the config the Flash release will run: overlays and --set applied, values normalised,
    defaults filled in. Exit 0; 1 (with check's diagnostics) when Flash rejects it; 2 when a file
    cannot be read."""
    resume_gc(flash_version, file if file != "-" else "<stdin>")
    code, out, err = run_show(ShowOptions(file, overlays, sets, output_format, flash_version))
    if out:
        click.echo(out, nl=False)
    if err:
        click.echo(err, nl=False, err=True)
    sys.exit(code)


@main.command()
@click.option(
    "--dialect",
    type=click.Choice(["draft-07", "2020-12"]),
    default="draft-07",
    show_default=True,
    help="draft-07 is the shipped file as-is; 2020-12 is derived from it.",
)
@click.option("-o", "--output", type=click.Path(), help="Write to FILE instead of stdout.")
@_flash_version_option("The Flash release whose schema to print (a release, a series or latest; default: latest).")
def export(dialect: str, output: str | None, flash_version: str | None) -> None:
    """Print the JSON Schema of a Flash release (draft-07 as shipped, or derived 2020-12)."""
    from flash_schema.export import export_schema

    text = export_schema(dialect, _dialect_of(flash_version))
    if output:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        click.echo(text, nl=False)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="With --flash-version: write that page to FILE.")
@click.option("--dir", "directory", default="docs", show_default=True, type=click.Path(file_okay=False))
@click.option("--check", "check_only", is_flag=True, help="Exit 1 with a diff if a page is out of date.")
@_flash_version_option(
    "Only the reference of this Flash release (default: every dialect's reference and the changes page)."
)
def docs(output: str | None, directory: str, check_only: bool, flash_version: str | None) -> None:
    """Render the Markdown reference docs (one page per Flash dialect, and what changed between them)."""
    from flash_schema.docs import write_or_check

    dialect = _dialect_of(flash_version) if flash_version is not None else None
    code, message = write_or_check(directory, check_only=check_only, dialect=dialect, output=output)
    if message:
        click.echo(message, err=code != 0)
    sys.exit(code)


@main.command()
@_flash_version_option(
    "The Flash release to check for when the editor's `flashVersion` setting names none "
    "(default: the pin near each file, else the installed freesolo-flash, else the newest known).",
)
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default; editors pass it).")
@click.option("--clientProcessId", "client_process_id", hidden=True, help="Accepted and ignored (clients pass it).")
def lsp(flash_version: str | None, stdio: bool, client_process_id: str | None) -> None:  # noqa: ARG001 - accepted
    """Start the language server on stdio."""
    # Importing pygls and lsprotocol builds objects that are all kept for good; start() freezes
    # them and turns the collector back on (see flash_schema.startup).
    startup.pause()
    try:
        from flash_schema_lsp.server import start
    except ImportError as exc:
        startup.resume()
        sys.exit(_lsp_without_extras(str(exc)))
    start(flash_version)


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
