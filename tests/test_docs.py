"""The generated reference (`docs/reference.md`): current, complete, and the same words as hover."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flash_schema_lsp.features.hover import hover

from flash_schema import docs
from flash_schema import keywords as kw
from flash_schema.check import SYNTAX_CODE
from flash_schema.cli import main
from flash_schema.diagnostics import format_path
from flash_schema.document import Document
from flash_schema.render import anchor, catalog_table, doc_link, example_toml, key_markdown
from flash_schema.schema_index import get_index
from flash_schema.validate import CUSTOM_CODES, DEFAULT_CODES

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "docs" / "reference.md"
INDEX = get_index()
TEXT = docs.render_reference(INDEX)
ANCHORS = re.findall(r'<a id="([^"]+)"></a>', TEXT)


def test_committed_reference_is_current() -> None:
    """`docs/reference.md` is what the schema renders to today (else: run `make docs`)."""
    code, message = docs.write_or_check(str(REFERENCE), check_only=True)
    assert code == 0, message


def test_render_is_deterministic() -> None:
    """Two renders are identical (no set or dict-order noise in the output)."""
    assert docs.render_reference(get_index()) == TEXT


@pytest.mark.parametrize(
    "path",
    [("model",), ("algorithm",), ("train", "lora_rank"), ("train", "max_length"), ("environment", "id"), ("train",)],
    ids=format_path,
)
def test_hover_text_appears_verbatim(path: tuple[str, ...]) -> None:
    """The language server's hover Markdown for a key is in the docs word for word."""
    info = INDEX.info(path)
    assert info is not None
    assert key_markdown(INDEX, info, heading=False) in TEXT
    # the hover's headline (path and title) is the section's heading
    title = f" — {info.title}" if info.title else ""
    shown = f"`[{format_path(path)}]`" if path in INDEX.table_paths() else f"`{format_path(path)}`"
    assert f'<a id="{anchor(path)}"></a>\n\n' in TEXT
    assert re.search(rf"^#+ {re.escape(shown + title)}$", TEXT, re.MULTILINE)


def hover_over(path: tuple[str, ...], algorithm: str | None) -> str:
    """What the language server shows on hovering ``path`` in a config whose algorithm is ``algorithm``
    (``None``: an invalid one), as a user would write it: a table by its header, a key by its name."""
    chosen = f'algorithm = "{algorithm or "?"}"'
    if path == ("algorithm",):
        text, needle = chosen + "\n", "algorithm"
    elif path in INDEX.table_paths():
        needle = f"[{format_path(path)}"  # on the header's last name
        text = f"{chosen}\n\n{needle}]\n"
    else:
        needle = format_path(path[-1:])
        table = f"[{format_path(path[:-1])}]\n" if len(path) > 1 else ""
        text = f"{chosen}\n{table}{needle} = 0\n"
    found = hover(Document.from_text(text), INDEX, text.rindex(needle) + len(needle) - 1)
    assert found is not None, format_path(path)
    return found.markdown


@pytest.mark.parametrize("algorithm", [None, "sft", "grpo"])
def test_language_server_hover_matches_docs(algorithm: str | None) -> None:
    """Hovering a key or table in the editor: headline = the docs heading, body lines = the docs' lines,
    and its reference link lands on the key's anchor. (With an algorithm, the Default line narrows
    to that algorithm's value, which the docs list among the per-algorithm defaults.)"""
    for path in INDEX.all_key_paths():
        info = INDEX.info(path)
        assert info is not None
        text = hover_over(path, algorithm)
        headline, _, rest = text.partition("\n\n")
        body, _, link = rest.rpartition("\n\n")
        assert headline == f"**`{format_path(path)}`**" + (f" — {info.title}" if info.title else "")
        assert link == f"[Reference]({doc_link(path)})"
        if algorithm is None:
            assert body in TEXT, format_path(path)
        section = TEXT.split(f'<a id="{anchor(path)}"></a>', 1)[1]
        for line in body.splitlines():
            if not line.startswith("- **Default:**"):
                assert line in section, f"{format_path(path)}: {line}"


def test_every_key_body_is_the_shared_renderer() -> None:
    """Every described key's section body is render.key_markdown (docs and hover cannot disagree)."""
    for path in INDEX.all_key_paths():
        info = INDEX.info(path)
        assert info is not None
        assert key_markdown(INDEX, info, heading=False) in TEXT, format_path(path)
        example = example_toml(info)
        if example:
            assert f"```toml\n{example}\n```" in TEXT


def test_every_key_path_has_an_anchor() -> None:
    """Each key path has exactly one stable anchor, placed right before its heading."""
    for path in INDEX.all_key_paths():
        assert ANCHORS.count(anchor(path)) == 1, format_path(path)
        assert re.search(rf'<a id="{re.escape(anchor(path))}"></a>\n\n#+ ', TEXT), format_path(path)
    assert len(ANCHORS) == len(set(ANCHORS)), "duplicate anchors"


def test_internal_links_resolve() -> None:
    """Every `(#anchor)` link in the page points at an anchor on the page."""
    links = set(re.findall(r"\]\(#([^)]+)\)", TEXT))
    assert links
    assert links <= set(ANCHORS), sorted(links - set(ANCHORS))


def test_intro_names_flash_version_and_scope() -> None:
    """The intro says which Flash release it describes and what the schema cannot check."""
    head = TEXT.split("## Contents", 1)[0]
    assert f"Flash {INDEX.flash_version}" in head
    assert "> **Out of scope:**" in head
    assert "GPU" in head


def test_catalog_is_listed() -> None:
    assert catalog_table(INDEX) in TEXT.split('<a id="model-catalog"></a>', 1)[1]


def test_every_rule_code_is_listed_with_its_severity() -> None:
    """Each coded rule of the schema has a row: code, severity, readable message."""
    rules = INDEX.lint_rules()
    assert rules
    for code, severity, message in rules:
        row = f'| <a id="code-{code}"></a>`{code}` | {severity} | {docs.readable_message(INDEX, message)} |'
        assert row in TEXT, code
    assert "{" not in TEXT.split('<a id="diagnostics"></a>', 1)[1], "a placeholder was left in a message"


def test_every_reported_code_is_documented() -> None:
    """Codes the validator reports without a schema rule (built-in and custom keywords) are listed too."""
    builtin = {code for code, _, _ in docs.BUILTIN_CODES}
    expected = set(DEFAULT_CODES.values()) | {SYNTAX_CODE, "invalid-set"}
    assert builtin == expected
    assert {k: c for k, c, _ in docs.CUSTOM_KEYWORD_CODES} == CUSTOM_CODES
    for code in builtin | set(CUSTOM_CODES.values()):
        assert f'<a id="code-{code}"></a>`{code}`' in TEXT
    assert not builtin & {code for code, _, _ in INDEX.lint_rules()}


def test_custom_keyword_severity() -> None:
    """Warnings-by-nature keywords are shown as warnings, the others as errors."""
    for keyword, code, _ in docs.CUSTOM_KEYWORD_CODES:
        severity = "warning" if keyword in kw.WARNING_KEYWORDS else "error"
        assert f"`{code}` | {severity} | `{keyword}`" in TEXT


@pytest.mark.parametrize(
    ("template", "shown"),
    [
        ("`{key}` only applies", "`<key>` only applies"),
        ("{value} is a platform-managed secret name", "`<value>` is a platform-managed secret name"),
        (
            "`train.lora_rank` = {value} exceeds Qwen/Qwen3.5-4B's serving limit of 64",
            "`train.lora_rank` = `<value>` exceeds `<model>`'s serving limit of `<limit>`",
        ),
        ("reads `algorithm = {value}` as {meaning}", "reads `algorithm = <value>` as `<meaning>`"),
    ],
)
def test_readable_message(template: str, shown: str) -> None:
    """Placeholders become `<name>`, never bare `<name>` (which Markdown would swallow as HTML)."""
    assert docs.readable_message(INDEX, template) == shown


def test_check_reports_drift_with_a_diff(tmp_path: Path) -> None:
    out = tmp_path / "reference.md"
    out.write_text(TEXT.replace("LoRA rank", "LoRA rnak", 1), "utf-8")
    code, message = docs.write_or_check(str(out), check_only=True)
    assert code == 1
    assert "-### `train.lora_rank` — LoRA rnak" in message
    assert "+### `train.lora_rank` — LoRA rank" in message
    assert message.endswith(f"{out} is out of date: run `make docs`")


def test_check_of_a_missing_file_fails(tmp_path: Path) -> None:
    code, message = docs.write_or_check(str(tmp_path / "nope.md"), check_only=True)
    assert code == 1
    assert "is out of date: run `make docs`" in message


def test_write_then_check(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "reference.md"
    assert docs.write_or_check(str(out)) == (0, f"wrote {out}")
    assert out.read_bytes() == TEXT.encode("utf-8")
    assert docs.write_or_check(str(out), check_only=True)[0] == 0


def test_write_failure_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    code, message = docs.write_or_check(str(blocker / "reference.md"))
    assert code == 2
    assert message.startswith(f"cannot write {blocker / 'reference.md'}: ")


def test_cli_docs_check(tmp_path: Path) -> None:
    """`flash-schema docs --check` exits 1 with the diff on stderr, 0 once written."""
    out = tmp_path / "reference.md"
    runner = CliRunner()
    result = runner.invoke(main, ["docs", "-o", str(out), "--check"])
    assert result.exit_code == 1
    assert "is out of date: run `make docs`" in result.stderr
    result = runner.invoke(main, ["docs", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"wrote {out}"
    result = runner.invoke(main, ["docs", "-o", str(out), "--check"])
    assert result.exit_code == 0, result.output
