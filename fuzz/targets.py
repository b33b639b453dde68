"""What the fuzzer runs on one input, and the invariants every surface must keep.

One input is ``mode byte + payload``. The payload is split on ``SEP`` (ASCII record separator,
0x1E): part 0 is the checked document, part 1 an overlay, the rest ``--set`` arguments. The mode
byte picks the surface (low 3 bits) and its options (the other bits), so libFuzzer's byte-level
mutations of a seed config stay meaningful mutations of a config.

Surfaces: the core from bytes and from text (``Document`` + ``check_document``), the core with
overlays and ``--set`` (``check_config``, and ``fix_config`` as ``check --fix`` runs it), the CLI
(``run_check`` through standard input, every output format, with and without ``--diff``), and the
language server's pure features (hover, completion, code actions, symbols, position conversions) at
offsets drawn from the input. Each input is checked under one Flash dialect, drawn from the
payload's checksum, and every fix is made concrete and applied (alone, and the certain ones together
as `check --fix` would).

Every violated invariant raises ``InvariantError``; any other exception is a crash too: atheris
reports both with the input that caused them.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _entry in (ROOT, ROOT / "lsp"):
    if str(_entry) not in sys.path:
        sys.path.insert(0, str(_entry))

SEP = b"\x1e"
MODES = ("bytes", "text", "merge", "cli", "lsp", "surrogates", "bytes", "lsp")

# Imported lazily by load() so that run.py can wrap the imports in atheris.instrument_imports().
Document = check_document = check_config = run_check = CheckOptions = None  # type: ignore[assignment]
resolve_fix = apply_edits = fix_text = fix_config = get_index = None  # type: ignore[assignment]
hover = complete = document_symbols = code_actions = positions = for_editor = None  # type: ignore[assignment]
DIALECTS: tuple[str, ...] = ()
_OVERLAY_DIR: str | None = None


class InvariantError(AssertionError):
    """A surface broke one of its promises (a span outside its document, a traceback...)."""


def load() -> None:
    """Import everything a fuzz input reaches (call inside instrument_imports() to get coverage)."""
    global Document, check_document, check_config, run_check, CheckOptions, DIALECTS
    global resolve_fix, apply_edits, fix_text, fix_config, get_index
    global hover, complete, document_symbols, code_actions, positions, for_editor
    from flash_schema.checker import check_config as _check_config
    from flash_schema.checker import check_document as _check_document
    from flash_schema.cli import CheckOptions as _CheckOptions
    from flash_schema.cli import run_check as _run_check
    from flash_schema.dialects import DIALECTS as _DIALECTS
    from flash_schema.document import Document as _Document
    from flash_schema.fixes import apply as _apply
    from flash_schema.fixes import fix_config as _fix_config
    from flash_schema.fixes import fix_text as _fix_text
    from flash_schema.fixes import resolve as _resolve
    from flash_schema.schema_index import get_index as _get_index

    Document, check_document, check_config = _Document, _check_document, _check_config
    run_check, CheckOptions, DIALECTS = _run_check, _CheckOptions, _DIALECTS
    resolve_fix, apply_edits, fix_text, fix_config, get_index = _resolve, _apply, _fix_text, _fix_config, _get_index
    try:
        from flash_schema_lsp.features import positions as _positions
        from flash_schema_lsp.features.actions import code_actions as _code_actions
        from flash_schema_lsp.features.completion import complete as _complete
        from flash_schema_lsp.features.diagnostics import for_editor as _for_editor
        from flash_schema_lsp.features.hover import hover as _hover
        from flash_schema_lsp.features.symbols import document_symbols as _document_symbols
    except ImportError:  # the language server is optional: fuzz the core and the CLI only
        return
    hover, complete, document_symbols, code_actions = _hover, _complete, _document_symbols, _code_actions
    positions, for_editor = _positions, _for_editor


# -- invariants ------------------------------------------------------------------------------------


def check(condition: bool, what: str) -> None:
    if not condition:
        raise InvariantError(what)


def check_span(span: object, length: int, what: str) -> None:
    start, end = span.start, span.end  # type: ignore[attr-defined]
    check(
        isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= length,
        f"{what}: span {start}..{end} outside a document of {length} characters",
    )


def check_still_toml(doc: object, text: str, what: str) -> None:
    """``text`` (``doc`` edited) is TOML Flash reads; or, when ``doc`` already had syntax errors (a
    half-typed file in an editor), it has no more of them."""
    import tomllib

    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        before = len(doc.syntax_errors)  # type: ignore[attr-defined]
        after = len(Document.from_text(text).syntax_errors)
        check(before > 0 and after <= before, f"{what} leaves invalid TOML ({exc}; {before} -> {after} errors)")


def check_diagnostics(diags: Iterable[object], doc: object, what: str = "diagnostic") -> None:
    """Every diagnostic is well formed and inside ``doc``; its fix, made concrete, edits inside the
    text and leaves TOML Flash reads (or, in a file with syntax errors, adds none)."""
    from flash_schema.diagnostics import Diagnostic, Severity

    text: str = doc.text  # type: ignore[attr-defined]
    for d in diags:
        check(isinstance(d, Diagnostic), f"{what}: not a Diagnostic: {d!r}")
        assert isinstance(d, Diagnostic)
        check(isinstance(d.severity, Severity), f"{what}: bad severity {d.severity!r}")
        check(bool(d.code) and isinstance(d.message, str) and bool(d.message), f"{what}: empty code or message")
        check_span(d.span, len(text), f"{what} {d.code}")
        fix = resolve_fix(doc, d)
        if fix is None:
            continue
        check(bool(fix.title) and bool(fix.edits), f"{what} {d.code}: a fix without a title or edits")
        for edit in fix.edits:
            check_span(edit.span, len(text), f"{what} {d.code} fix")
        check_still_toml(doc, apply_edits(text, fix.edits), f"{what} {d.code}: the fix {fix.title!r}")


def check_fixes(doc: object, diags: Sequence[object]) -> None:
    """`check --fix` in process: the certain fixes of one pass apply together and keep the TOML."""
    applied = fix_text(doc, diags)
    if applied.applied:
        check_still_toml(doc, applied.text, f"--fix ({', '.join(applied.applied)})")


def check_result(result: object) -> None:
    """Every diagnostic of a CheckResult lies inside the document it points into."""
    for d in result.diagnostics:  # type: ignore[attr-defined]
        doc = result.document_of(d)  # type: ignore[attr-defined]
        if doc is None:
            check(d.origin is not None, f"{d.code}: no document and no origin")
            continue
        check_diagnostics([d], doc)


def check_cli(code: int, out: str, err: str, output_format: str) -> None:
    check(code in (0, 1, 2), f"exit code {code}")
    check("Traceback" not in out and "Traceback" not in err, "a traceback was printed")
    if output_format == "json" and code != 2:
        report = json.loads(out)
        check(isinstance(report.get("files"), list), "JSON output without files")


# -- one input -------------------------------------------------------------------------------------


def split(payload: bytes) -> tuple[bytes, bytes | None, list[str]]:
    parts = payload.split(SEP)
    overlay = parts[1] if len(parts) > 1 else None
    # Command-line arguments reach Python as str with undecodable bytes as lone surrogates.
    sets = [p.decode("utf-8", "surrogateescape") for p in parts[2:8]]
    return parts[0], overlay, sets


def _lcg(seed: int, count: int) -> list[int]:
    out = []
    x = seed or 1
    for _ in range(count):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(x)
    return out


def offsets(seed: int, length: int, count: int = 6) -> list[int]:
    """A few offsets in 0..length, both ends included."""
    return sorted({0, length, *(x % (length + 1) for x in _lcg(seed, count))})


def cursor_offsets(doc: object, seed: int, count: int = 4) -> list[int]:
    """Cursor offsets as the server computes them: random LSP positions through positions.to_offset.

    The server never calls a feature with any other offset (to_offset clamps every position into
    the document and never lands between the "\r" and "\n" of a CRLF).
    """
    text: str = doc.text  # type: ignore[attr-defined]
    lines = doc.line_count  # type: ignore[attr-defined]
    out = {0, len(text)}
    for x in _lcg(seed, count):
        line = x % (lines + 1)
        character = (x >> 8) % (len(doc.line_text(line)) + 2)  # type: ignore[attr-defined]
        encoding = ("utf-8", "utf-16", "utf-32")[(x >> 20) % 3]
        out.add(positions.to_offset(doc, line, character, encoding))
    return sorted(out)


def run_core(text: str, doc: object, dialect: str) -> list[object]:
    check(doc.text == text, "Document.text differs from its source")  # type: ignore[attr-defined]
    diags = check_document(doc, dialect)
    check_diagnostics(diags, doc)
    check_fixes(doc, diags)
    for problem in doc.syntax_errors:  # type: ignore[attr-defined]
        check_span(problem.span, len(text), "syntax problem")
    # Positions: every offset maps to a (line, column) that maps back to it.
    for offset in offsets(len(text), len(text), 3):
        line, column = doc.position(offset)  # type: ignore[attr-defined]
        back = doc.offset(line, column)  # type: ignore[attr-defined]
        check(back == min(max(offset, 0), len(text)), f"position({offset}) -> {line}:{column} -> {back}")
    return list(diags)


def run_lsp(doc: object, diags: Sequence[object], seed: int, dialect: str) -> None:
    if hover is None:
        return
    index = get_index(dialect)
    text: str = doc.text  # type: ignore[attr-defined]
    n = len(text)
    for offset in cursor_offsets(doc, seed):
        found = hover(doc, index, offset)
        if found is not None:
            check_span(found.span, n, "hover")
            check(isinstance(found.markdown, str), "hover markdown")
        for item in complete(doc, index, offset, snippets=bool(offset & 1)):
            check_span(item.replace, n, "completion")
            check(isinstance(item.insert_text, str) and bool(item.label), "completion item")
        from flash_schema.document import Span

        for action in code_actions(doc, diags, Span(max(0, min(offset, n)), max(0, min(offset + 3, n)))):
            for edit in action.edits:
                check_span(edit.span, n, "code action")
        for encoding in ("utf-8", "utf-16", "utf-32"):
            line, character = positions.to_position(doc, offset, encoding)
            check(line >= 0 and character >= 0, "to_position")
            back = positions.to_offset(doc, line, character, encoding)
            check(0 <= back <= n, "to_offset out of the document")
            positions.to_offset(doc, line + (seed % 3) - 1, character + (seed % 7) - 3, encoding)
    stack = list(document_symbols(doc))
    while stack:
        symbol = stack.pop()
        check_span(symbol.span, n, "symbol")
        check_span(symbol.selection, n, "symbol selection")
        stack.extend(symbol.children)
    for d in for_editor(diags):
        check_span(d.span, n, "editor diagnostic")


def _overlay_path(raw: bytes) -> str:
    global _OVERLAY_DIR  # noqa: PLW0603
    if _OVERLAY_DIR is None:
        _OVERLAY_DIR = tempfile.mkdtemp(prefix="flash-schema-fuzz-")
    path = os.path.join(_OVERLAY_DIR, "overlay.toml")
    with open(path, "wb") as fh:
        fh.write(raw)
    return path


def one_input(data: bytes) -> None:
    """Run one fuzz input through the surface its first byte selects; raise on a broken promise."""
    if Document is None:
        load()
    if not data:
        data = b"\x00"
    flags, payload = data[0], data[1:]
    mode = MODES[flags & 7]
    seed = zlib.crc32(payload)
    dialect = DIALECTS[seed % len(DIALECTS)]
    main, overlay, sets = split(payload)
    if mode == "bytes":
        doc = Document.from_bytes(main)
        diags = run_core(doc.text, doc, dialect)
        if flags & 8:
            run_lsp(doc, diags, seed, dialect)
    elif mode in ("text", "lsp", "surrogates"):
        # "surrogates": what a JSON-RPC client may send (\ud800 escapes are valid JSON).
        text = main.decode("utf-8", "surrogateescape" if mode == "surrogates" else "replace")
        doc = Document.from_text(text)
        diags = run_core(text, doc, dialect)
        if mode != "text" or flags & 8:
            run_lsp(doc, diags, seed, dialect)
    elif mode == "merge":
        doc = Document.from_bytes(main)
        overlays = [("overlay.toml", Document.from_bytes(overlay))] if overlay is not None else []
        if flags & 8 and overlay is not None:
            overlays.append(("again.toml", Document.from_bytes(overlay[::-1])))
        check_result(check_config("main.toml", doc, overlays, sets, flash_version=dialect))
        fixed = fix_config("main.toml", doc, overlays, sets, dialect)  # what `check --fix` writes
        if fixed.applied:
            check_still_toml(doc, fixed.document.text, f"--fix ({', '.join(fixed.applied)})")
    else:  # cli
        output_format = ("text", "json", "github", "text")[(flags >> 3) & 3]
        options = CheckOptions(
            files=("-",),
            overlays=(_overlay_path(overlay),) if overlay is not None else (),
            sets=tuple(sets),
            output_format=output_format,  # type: ignore[arg-type]
            color="always" if flags & 32 else "never",
            quiet=bool(flags & 64),
            strict=bool(flags & 128),
            stdin_filename="fuzz.toml",
            flash_version=dialect,
            diff=bool(seed & 256),  # `--diff`: the certain fixes as a diff, then the report
        )
        code, out, err = run_check(options, stdin=io.BytesIO(main))
        check_cli(code, out, err, output_format)
        out.encode("utf-8", "surrogateescape")  # what click.echo must be able to write


# -- seeds -----------------------------------------------------------------------------------------


def seed_inputs() -> dict[str, bytes]:
    """Valid and broken configs from the repository, once per surface (name -> input)."""
    cases = sorted(ROOT.glob("tests/cases/**/*.toml"))  # one folder per dialect
    files = sorted(
        [
            *(c for c in cases if not c.name.startswith("_")),
            *ROOT.glob("examples/*.toml"),
            *ROOT.glob("examples/broken/*.toml"),
        ]
    )
    overlays = [c for c in cases if c.name.startswith("_")]
    overlay = overlays[0].read_bytes() if overlays else b""
    out: dict[str, bytes] = {}
    for path in files:
        raw = path.read_bytes()
        if len(raw) > 8192:
            continue
        stem = f"{path.parent.name}-{path.stem}" if path.parent.parent.name == "cases" else path.stem
        out[f"bytes-{stem}"] = bytes([0]) + raw
        out[f"lsp-{stem}"] = bytes([4]) + raw
        out[f"merge-{stem}"] = bytes([2]) + raw + SEP + overlay + SEP + b"train.lora_rank=8" + SEP + b"steps"
        out[f"cli-{stem}"] = bytes([3 | 8]) + raw + SEP + overlay + SEP + b"wandb.project=x"
    return out
