"""Property tests: no input crashes the core, the CLI or the server's pure features.

Inputs are arbitrary text and bytes, mutations of the repository's configs, and generated
documents that are valid TOML. Invariants: only diagnostics come back (never an exception), every
span lies inside its document, the CLI exits 0, 1 or 2 and never prints a traceback. The
coverage-guided counterpart is ``fuzz/run.py`` (atheris).
"""

from __future__ import annotations

import io
import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from click.testing import CliRunner
from flash_schema_lsp.features import actions, completion, hover, positions, symbols
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from speed import examples

from flash_schema.checker import CheckResult, check_config, check_document
from flash_schema.cli import main
from flash_schema.commands import CheckOptions, run_check
from flash_schema.diagnostics import Diagnostic, Severity
from flash_schema.document import Document, Span
from flash_schema.fixes import apply as apply_edits
from flash_schema.fixes import resolve as resolve_fix
from flash_schema.schema_index import get_index

ROOT = Path(__file__).resolve().parent.parent
INDEX = get_index()

SEEDS = sorted(
    p
    for p in [*ROOT.glob("tests/cases/*.toml"), *ROOT.glob("examples/*.toml"), *ROOT.glob("examples/broken/*.toml")]
    if p.stat().st_size < 8192
)
SEED_TEXTS = [p.read_text("utf-8", errors="replace") for p in SEEDS]

PROPERTY = settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- strategies -----------------------------------------------------------------------------------

#: Characters a config may hold, surrogates aside (they cannot be written to a file).
TEXT_CHARS = st.characters(blacklist_categories=("Cs",))
#: Fragments that tend to matter to a TOML reader: brackets, quotes, escapes, line breaks, a BOM.
TOKENS = st.sampled_from(
    [
        "[", "]", "[[", "]]", "{", "}", "=", ".", ",", '"', "'", '"""', "'''", "\\", "\\u", "\\e", "#",
        "\n", "\r\n", "\r", "\t", " ", "\x00", "\ufeff", "é", "😀", "日本", "model", "train", "environment",
        "worker_env", "lora_rank", "algorithm", "grpo", "sft", "1e400", "inf", "nan", "-0", "0x_1",
        "1979-05-27T07:32:00Z", "07:32", "true", "True", "9" * 30, "sk-proj-" + "A1b2" * 6,
    ]
)  # fmt: skip
SCHEMA_KEYS = st.sampled_from(
    [
        "model", "algorithm", "thinking", "environment", "id", "secrets", "params", "pip", "train",
        "lora_rank", "learning_rate", "max_examples", "steps", "epochs", "stop_sequences", "worker_env",
        "wandb", "project", "gpu", "run_id", "HF_TOKEN", "Qwen/Qwen3.5-4B",
    ]
)  # fmt: skip
KEYS = st.one_of(SCHEMA_KEYS, st.text(TEXT_CHARS, min_size=1, max_size=8))
SCALARS = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False),
    st.text(TEXT_CHARS, max_size=20),
    st.sampled_from(["Qwen/Qwen3.5-4B", "grpo", "sft", "org/env", "A" * 40, "hf_" + "x1" * 12]),
    st.datetimes(),
    st.dates(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12,
)
TOML_DATA = st.dictionaries(KEYS, VALUES, max_size=6)


@st.composite
def mutated_config(draw: st.DrawFn) -> str:
    """A repository config with a few random edits: inserts, deletes, pastes, line swaps."""
    text = draw(st.sampled_from(SEED_TEXTS))
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "token", "dup-line", "cut-line"]))
        if op == "insert":
            text = text[:at] + draw(st.text(TEXT_CHARS, max_size=8)) + text[at:]
        elif op == "token":
            text = text[:at] + draw(TOKENS) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)) :]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                lines[i : i + 1] = [lines[i]] * 2 if op == "dup-line" else []
            text = "".join(lines)
    return text


ANY_TEXT = st.one_of(
    st.text(TEXT_CHARS, max_size=300),
    st.lists(TOKENS | st.text(TEXT_CHARS, max_size=4), max_size=60).map("".join),
    mutated_config(),
)
SETS = st.lists(
    st.one_of(
        st.text(max_size=30),  # anything, `=` or not, lone surrogates included (argv may hold them)
        st.builds(
            lambda k, v: f"{k}={v}",
            st.lists(KEYS, min_size=1, max_size=3).map(".".join),
            st.one_of(st.text(max_size=12), st.sampled_from(["[1, 2", "[]", "[a,,b]", "true", "1e999", "nan"])),
        ),
    ),
    max_size=4,
)

# -- invariants -----------------------------------------------------------------------------------


def assert_span(span: Span, length: int, what: object) -> None:
    assert isinstance(span.start, int), what
    assert isinstance(span.end, int), what
    assert 0 <= span.start <= span.end <= length, (what, span, length)


def assert_diagnostics(diags: list[Diagnostic], length: int, doc: Document | None = None) -> None:
    """Every diagnostic is well formed; a fix, made concrete, edits inside the text and leaves TOML."""
    for d in diags:
        assert isinstance(d, Diagnostic)
        assert isinstance(d.severity, Severity)
        assert d.code, d
        assert d.message, d
        assert_span(d.span, length, d)
        fix = resolve_fix(doc, d) if doc is not None else None
        if fix is not None and doc is not None:
            for edit in fix.edits:
                assert_span(edit.span, length, fix)
            edited = Document.from_text(apply_edits(doc.text, fix.edits))
            # A fix leaves TOML Flash can read; on a half-typed text, it adds no syntax error.
            assert len(edited.syntax_errors) <= len(doc.syntax_errors), (d, fix)


def assert_document(doc: Document) -> None:
    n = len(doc.text)
    for node in doc.nodes():
        for span in (node.key, node.value, node.header):
            if span is not None:
                assert_span(span, n, node)
    for problem in doc.syntax_errors:
        assert_span(problem.span, n, problem)


def assert_result(result: CheckResult) -> None:
    for d in result.diagnostics:
        doc = result.document_of(d)
        if doc is None:
            assert d.origin is not None, d
        else:
            assert_diagnostics([d], len(doc.text), doc)


def assert_cli(code: int, out: str, err: str, output_format: str) -> None:
    assert code in (0, 1, 2), (code, out, err)
    assert "Traceback" not in out
    assert "Traceback" not in err
    if output_format == "json" and code != 2:
        assert isinstance(json.loads(out)["files"], list)


def lookup(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


# -- the core -------------------------------------------------------------------------------------


@PROPERTY
@given(ANY_TEXT)
def test_core_never_crashes_on_text(text: str) -> None:
    doc = Document.from_text(text)
    assert doc.text == text
    assert_document(doc)
    diags = check_document(doc)
    assert_diagnostics(diags, len(text), doc)
    assert check_document(Document.from_text(text)) == diags  # deterministic


@PROPERTY
@given(st.one_of(st.binary(max_size=400), ANY_TEXT.map(lambda t: t.encode("utf-8")), st.binary(max_size=8).flatmap(
    lambda junk: mutated_config().map(lambda t: junk + t.encode("utf-8") + junk)
)))  # fmt: skip
def test_core_never_crashes_on_bytes(raw: bytes) -> None:
    doc = Document.from_bytes(raw)
    assert_document(doc)
    assert_diagnostics(check_document(doc), len(doc.text), doc)
    if raw.startswith(b"\xef\xbb\xbf") or not _is_utf8(raw):
        assert doc.syntax_errors, "a BOM or invalid UTF-8 is a syntax error (Flash rejects it)"


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@PROPERTY
@given(TOML_DATA)
def test_valid_toml_parses_exactly_and_every_span_holds_its_value(data: dict[str, Any]) -> None:
    """A document tomli-w wrote is valid: no syntax error, tomllib's data, and each scalar's span
    is the source of that very value."""
    text = tomli_w.dumps(data)
    doc = Document.from_text(text)
    assert doc.syntax_errors == []
    assert doc.data == tomllib.loads(text)
    assert_document(doc)
    assert_diagnostics(check_document(doc), len(text), doc)
    for node in doc.nodes():
        if node.kind != "value" or node.value is None:
            continue
        source = text[node.value.start : node.value.end]
        parsed = tomllib.loads(f"v = {source}")["v"]
        expected = lookup(doc.data, node.path)
        assert parsed == expected or (isinstance(parsed, float) and math.isnan(parsed) and math.isnan(expected)), (
            node,
            source,
        )


@PROPERTY
@given(TOML_DATA, st.sampled_from(["\n", "\r\n"]))
def test_valid_toml_with_crlf_or_comments_stays_valid(data: dict[str, Any], newline: str) -> None:
    text = "# leading comment\n" + tomli_w.dumps(data)
    text = text.replace("\n", newline)
    assume('"""' not in text and "'''" not in text)  # a multi-line string's own newlines change meaning
    doc = Document.from_text(text)
    assert doc.syntax_errors == []
    assert_diagnostics(check_document(doc), len(text), doc)


# -- overlays and --set -----------------------------------------------------------------------------


@PROPERTY
@given(ANY_TEXT, st.lists(st.one_of(ANY_TEXT, TOML_DATA.map(tomli_w.dumps)), max_size=2), SETS)
def test_check_config_with_overlays_and_sets_never_crashes(text: str, overlays: list[str], sets: list[str]) -> None:
    docs = [(f"overlay{i}.toml", Document.from_text(o)) for i, o in enumerate(overlays)]
    result = check_config("main.toml", Document.from_text(text), docs, sets)
    assert_result(result)
    for item in sets:
        if "=" not in item:
            assert any(d.code == "invalid-set" for d in result.diagnostics)


# -- the CLI --------------------------------------------------------------------------------------------


@PROPERTY
@given(
    st.one_of(st.binary(max_size=300), mutated_config().map(str.encode)),
    SETS,
    st.sampled_from(["text", "json", "github"]),
    st.sampled_from(["never", "always"]),
    st.booleans(),
    st.booleans(),
)
def test_run_check_exits_0_1_or_2(
    raw: bytes, sets: list[str], output_format: str, color: str, quiet: bool, strict: bool
) -> None:
    options = CheckOptions(("-",), (), tuple(sets), output_format, color, quiet, strict, "x.toml")  # type: ignore[arg-type]
    code, out, err = run_check(options, stdin=io.BytesIO(raw))
    assert_cli(code, out, err, output_format)
    if quiet:
        assert "warning[" not in out


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=200), mutated_config().map(str.encode)), SETS, st.sampled_from(["text", "json"]))
def test_click_command_exits_0_1_or_2(raw: bytes, sets: list[str], output_format: str) -> None:
    args = ["check", "-", "--format", output_format]
    for item in sets:
        args += ["--set", item]
    result = CliRunner().invoke(main, args, input=raw)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output


# -- the language server's pure features -----------------------------------------------------------------


@pytest.fixture(scope="module")
def features() -> Any:
    return actions, completion, hover, positions, symbols


def _lsp_offsets(positions: Any, doc: Document, cursors: list[tuple[int, int, str]]) -> list[int]:
    """Offsets as the server computes them from LSP positions (clamped into the document)."""
    return [0, len(doc.text), *(positions.to_offset(doc, ln, ch, enc) for ln, ch, enc in cursors)]


CURSORS = st.lists(
    st.tuples(st.integers(-2, 40), st.integers(-2, 120), st.sampled_from(["utf-8", "utf-16", "utf-32"])),
    max_size=8,
)


@PROPERTY
@given(st.one_of(ANY_TEXT, st.text(max_size=120)), CURSORS)
def test_server_features_never_crash(features: Any, text: str, cursors: list[tuple[int, int, str]]) -> None:
    """hover, completion, code actions, symbols and position conversions at random cursors
    (st.text() includes lone surrogates: JSON-RPC can carry them)."""
    actions, completion, hover, positions, symbols = features
    doc = Document.from_text(text)
    n = len(text)
    diags = check_document(doc)
    for offset in _lsp_offsets(positions, doc, cursors):
        assert 0 <= offset <= n
        found = hover.hover(doc, INDEX, offset)
        if found is not None:
            assert_span(found.span, n, "hover")
        for snippets in (True, False):
            for item in completion.complete(doc, INDEX, offset, snippets=snippets):
                assert_span(item.replace, n, item)
                assert item.label
        for action in actions.code_actions(doc, diags, Span(offset, offset)):
            for edit in action.edits:
                assert_span(edit.span, n, action)
        for encoding in ("utf-8", "utf-16", "utf-32"):
            line, character = positions.to_position(doc, offset, encoding)
            assert positions.to_offset(doc, line, character, encoding) == offset or text[offset - 1 : offset] == "\r"
    stack = list(symbols.document_symbols(doc))
    while stack:
        symbol = stack.pop()
        assert_span(symbol.span, n, symbol)
        assert_span(symbol.selection, n, symbol)
        stack.extend(symbol.children)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_config())
def test_completion_and_hover_at_every_offset(features: Any, text: str) -> None:
    """Every code-point offset of the text is a valid argument, not only those an LSP position
    reaches (the offset between a CRLF's "\\r" and "\\n" is one the server never sends)."""
    _, completion, hover, _, _ = features
    doc = Document.from_text(text)
    for offset in range(len(text) + 1):
        found = hover.hover(doc, INDEX, offset)
        if found is not None:
            assert_span(found.span, len(text), "hover")
        for item in completion.complete(doc, INDEX, offset):
            assert_span(item.replace, len(text), item)


def test_completion_between_cr_and_lf_after_a_header(features: Any) -> None:
    """Found by fuzz/run.py: context_at() takes the "\\n" of a CRLF for a column past the line's
    text and _word_around() indexes past its end (IndexError)."""
    _, completion, _, _, _ = features
    text = "[train]\r\nmax_examples = 10\r\n"
    doc = Document.from_text(text)
    assert completion.complete(doc, INDEX, text.index("\n")) == []
