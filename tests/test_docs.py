"""The generated docs: one reference per Flash dialect plus a page of what changed between the
releases; current, complete, linked, and the same words as the language server's hover.

`flash-schema docs` writes them all (`docs/reference.md` is the newest dialect's,
`docs/reference-<dialect>.md` the others', `docs/flash-releases.md` the changes); `docs --check`
checks them all.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flash_schema_lsp.features.documentation import key_documentation
from flash_schema_lsp.features.hover import hover

from flash_schema import docs
from flash_schema.cli import main
from flash_schema.diagnostics import format_path
from flash_schema.dialects import DIALECTS, NEWEST, releases_data, schema_file
from flash_schema.document import Document
from flash_schema.keydocs import anchor, catalog_table, doc_link, example_toml, key_markdown, reference_page
from flash_schema.rules import registry
from flash_schema.schema_index import SchemaIndex, get_index

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
CHANGES = "flash-releases.md"
PAGES = docs.pages()
TEXT = {d: docs.render_reference(get_index(d)) for d in DIALECTS}
#: Hand-written pages the generated ones link to.
HAND_WRITTEN = ("editors.md", "peer-verdicts.md")


def _anchors(text: str) -> list[str]:
    return re.findall(r'<a id="([^"]+)"></a>', text)


def _section(text: str, path: tuple[str, ...]) -> str:
    """The part of a page from a key's anchor to the next key's anchor."""
    after = text.split(f'<a id="{anchor(path)}"></a>', 1)[1]
    return after.split("<a id=", 1)[0]


def _index(dialect: str) -> SchemaIndex:
    return get_index(dialect)


# -- the set of pages, written and checked ------------------------------------------------------------


def test_one_reference_per_dialect_and_the_changes_page() -> None:
    """The newest dialect's reference keeps the old name (links to it keep working)."""
    assert reference_page(NEWEST) == "reference.md"
    assert set(PAGES) == {reference_page(d) for d in DIALECTS} | {CHANGES}
    for dialect in DIALECTS:
        assert PAGES[reference_page(dialect)] == TEXT[dialect]


def test_committed_docs_are_current() -> None:
    """Every generated page under `docs/` is what the schemas render to today (else: run `make docs`)."""
    code, message = docs.write_or_check(str(DOCS), check_only=True)
    assert code == 0, message
    assert message == "the generated docs are up to date"
    for name, text in PAGES.items():
        assert (DOCS / name).read_text("utf-8") == text, name


def test_render_is_deterministic() -> None:
    """Two renders are identical (no set or dict-order noise in the output)."""
    assert docs.pages() == PAGES


@pytest.fixture
def written(tmp_path: Path) -> Path:
    """A docs folder freshly written by `write_or_check` (with the hand-written pages beside them)."""
    out = tmp_path / "docs"
    code, message = docs.write_or_check(str(out))
    assert code == 0, message
    assert sorted(message.splitlines()) == sorted(f"wrote {out / name}" for name in PAGES)
    for name in HAND_WRITTEN:
        shutil.copyfile(DOCS / name, out / name)
    return out


def test_write_then_check(written: Path) -> None:
    for name, text in PAGES.items():
        assert (written / name).read_bytes() == text.encode("utf-8")
    assert docs.write_or_check(str(written), check_only=True) == (0, "the generated docs are up to date")


@pytest.mark.parametrize("page", sorted(PAGES))
def test_check_reports_drift_of_any_page_with_a_diff(written: Path, page: str) -> None:
    """Editing one generated page by hand fails the check, with a diff of that page only."""
    target = written / page
    text = target.read_text("utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("# "))
    target.write_text(text.replace(heading, heading + " (edited)", 1), "utf-8")
    code, message = docs.write_or_check(str(written), check_only=True)
    assert code == 1
    assert f"-{heading} (edited)" in message
    assert f"+{heading}" in message
    assert message.endswith(f"{target} is out of date: run `make docs`")
    others = [name for name in PAGES if name != page]
    assert not any(f"{written / name} is out of date" in message for name in others)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_check_of_a_missing_page_fails(written: Path, page: str) -> None:
    (written / page).unlink()
    code, message = docs.write_or_check(str(written), check_only=True)
    assert code == 1
    assert f"{written / page} is out of date: run `make docs`" in message


def test_write_failure_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    code, message = docs.write_or_check(str(blocker / "docs"))
    assert code == 2
    assert message.startswith(f"cannot write {blocker / 'docs'}")


def test_cli_docs_check_covers_every_page(tmp_path: Path) -> None:
    """`flash-schema docs --check` exits 1 with every missing page on stderr, 0 once `docs` wrote them."""
    out = tmp_path / "docs"
    runner = CliRunner()
    result = runner.invoke(main, ["docs", "--dir", str(out), "--check"])
    assert result.exit_code == 1
    for name in PAGES:
        assert f"{out / name} is out of date: run `make docs`" in result.stderr
    result = runner.invoke(main, ["docs", "--dir", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(result.stdout.splitlines()) == sorted(f"wrote {out / name}" for name in PAGES)
    result = runner.invoke(main, ["docs", "--dir", str(out), "--check"])
    assert result.exit_code == 0, result.output
    (out / CHANGES).write_text("stale\n", "utf-8")
    result = runner.invoke(main, ["docs", "--dir", str(out), "--check"])
    assert result.exit_code == 1
    assert f"{out / CHANGES} is out of date" in result.stderr


@pytest.mark.parametrize(("version", "dialect"), [("0.2.43", "0.2.43"), ("1.0.1", "1.0"), ("latest", NEWEST)])
def test_cli_docs_of_one_release(tmp_path: Path, version: str, dialect: str) -> None:
    """`docs --flash-version X -o FILE` writes (or checks) that release's reference alone."""
    out = tmp_path / "one.md"
    runner = CliRunner()
    assert runner.invoke(main, ["docs", "--flash-version", version, "-o", str(out), "--check"]).exit_code == 1
    result = runner.invoke(main, ["docs", "--flash-version", version, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out}"
    assert out.read_text("utf-8") == TEXT[dialect]
    assert list(tmp_path.iterdir()) == [out]
    result = runner.invoke(main, ["docs", "--flash-version", version, "-o", str(out), "--check"])
    assert result.exit_code == 0, result.output


# -- one reference page per dialect --------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_intro_names_the_release_its_schema_and_the_other_pages(dialect: str) -> None:
    """The intro says which Flash release the page describes, which schema file it is built from, what
    the schema cannot check, and links the other dialects' pages and the changes page."""
    index = _index(dialect)
    head = TEXT[dialect].split("## Contents", 1)[0]
    assert f"Flash {index.flash_version}" in head
    assert f"(../schema/{schema_file(dialect)})" in head
    assert index.uri in head
    assert "> **Out of scope:**" in head
    assert "GPU" in head
    for other in DIALECTS:
        if other != dialect:
            assert f"[Flash {_index(other).flash_version}]({reference_page(other)})" in head
    assert f"]({CHANGES})" in head


@pytest.mark.parametrize("dialect", DIALECTS)
def test_hover_text_appears_verbatim(dialect: str) -> None:
    """The hover Markdown of every key is in its dialect's page word for word, under a heading made of
    the key's path and title."""
    index = _index(dialect)
    text = TEXT[dialect]
    for path in index.all_key_paths():
        info = index.info(path)
        assert info is not None
        assert key_markdown(index, info, heading=False) in text, format_path(path)
        title = f" — {info.title}" if info.title else ""
        shown = f"`[{format_path(path)}]`" if path in index.table_paths() else f"`{format_path(path)}`"
        assert f'<a id="{anchor(path)}"></a>\n\n' in text
        assert re.search(rf"^#+ {re.escape(shown + title)}$", text, re.MULTILINE), format_path(path)
        example = example_toml(info)
        if example:
            assert f"```toml\n{example}\n```" in text


def _hover_cases() -> list[object]:
    return [
        pytest.param(dialect, algorithm, id=f"{dialect}-{algorithm}")
        for dialect in DIALECTS
        for algorithm in (None, *_index(dialect).algorithms)
    ]


@pytest.mark.parametrize(("dialect", "algorithm"), _hover_cases())
def test_language_server_documentation_matches_docs(dialect: str, algorithm: str | None) -> None:
    """The language server's key documentation (hover and completion): headline = the page's heading,
    body lines = the page's lines, and its reference link lands on the key's anchor in the dialect's
    page. (With an algorithm, the Default line narrows to that algorithm's value, which the page lists
    among the per-algorithm defaults.)"""
    index = _index(dialect)
    text = TEXT[dialect]
    for path in index.all_key_paths():
        info = index.info(path)
        assert info is not None
        documentation = key_documentation(index, path, algorithm, False)
        assert documentation is not None
        headline, _, rest = documentation.partition("\n\n")
        body, _, link = rest.rpartition("\n\n")
        assert headline == f"**`{format_path(path)}`**" + (f" — {info.title}" if info.title else "")
        if algorithm is None:
            assert body in text, format_path(path)
        section = _section(text, path)
        for line in body.splitlines():
            if not line.startswith("- **Default:**"):
                assert line in section, f"{format_path(path)}: {line}"
        assert link == f"[Reference]({doc_link(path, dialect)})", format_path(path)
        page, _, key_anchor = doc_link(path, dialect).rpartition("/")[2].partition("#")
        assert page == reference_page(dialect)
        assert key_anchor in _anchors(PAGES[page])


@pytest.mark.parametrize(
    ("text", "offset", "path"),
    [
        ('model = "Qwen/Qwen3.5-4B"\n', 2, ("model",)),
        ("[train]\nlora_rank = 8\n", 10, ("train", "lora_rank")),
        ("[train]\nlora_rank = 8\n", 2, ("train",)),
    ],
)
def test_hover_is_the_newest_page(text: str, offset: int, path: tuple[str, ...]) -> None:
    """A hover in the editor (the newest dialect by default) is that key's documentation, which the
    newest reference page holds word for word."""
    index = _index(NEWEST)
    found = hover(Document.from_text(text), index, offset)
    assert found is not None
    info = index.info(path)
    assert info is not None
    assert key_markdown(index, info, heading=False) in found.markdown
    assert key_markdown(index, info, heading=False) in PAGES["reference.md"]
    assert found.markdown.endswith(f"[Reference]({doc_link(path)})")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_key_path_has_an_anchor(dialect: str) -> None:
    """Each key path has exactly one stable anchor, placed right before its heading."""
    text = TEXT[dialect]
    anchors = _anchors(text)
    for path in _index(dialect).all_key_paths():
        assert anchors.count(anchor(path)) == 1, format_path(path)
        assert re.search(rf'<a id="{re.escape(anchor(path))}"></a>\n\n#+ ', text), format_path(path)
    assert len(anchors) == len(set(anchors)), "duplicate anchors"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_links_resolve(page: str) -> None:
    """Every link of a generated page lands: `#anchor` on the page, `other.md#anchor` on that page,
    a file relative to `docs/` in the repository."""
    text = PAGES[page]
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    assert targets
    for target in targets:
        if target.startswith(("http://", "https://")):
            continue
        file, _, fragment = target.partition("#")
        linked = PAGES.get(file) if file else text
        if linked is None:
            assert (DOCS / file).resolve().is_file(), f"{page}: {target}"
            linked = (DOCS / file).read_text("utf-8") if file.endswith(".md") else None
        if fragment:
            assert linked is not None, f"{page}: {target}"
            assert fragment in _anchors(linked), f"{page}: {target}"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_catalog_is_listed(dialect: str) -> None:
    index = _index(dialect)
    assert catalog_table(index) in TEXT[dialect].split('<a id="model-catalog"></a>', 1)[1]
    for model in index.catalog:
        assert f"`{model.id}`" in catalog_table(index)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_rule_of_the_dialect_is_listed_with_its_severity(dialect: str) -> None:
    """The Diagnostics table lists every rule the dialect's schema names, each once, with the severity it
    has under this dialect (from rules.toml), and no rule the dialect cannot report."""
    index = _index(dialect)
    diagnostics = TEXT[dialect].split('<a id="diagnostics"></a>', 1)[1]
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r"^\| (?:<a id=\"code-[^\"]+\"></a>)?`([a-z0-9-]+)` \| (error|warning) \|", diagnostics, re.M
        )
    }
    assert index.rule_codes() <= set(rows), sorted(index.rule_codes() - set(rows))
    assert {"toml-syntax", "invalid-set", "missing-key", "unknown-key"} <= set(rows)
    for code, severity in rows.items():
        assert severity == registry()[code].severity(dialect).value, code
        assert diagnostics.count(f'<a id="code-{code}"></a>') == 1, code
    assert "{" not in diagnostics, "a placeholder was left in a rule's text"
    # A rule only other dialects' schemas name (no keyword reports it, the core never does) is not listed.
    core = "\n".join(p.read_text("utf-8") for p in (REPO / "flash_schema").rglob("*.py"))
    others = set().union(*(_index(d).rule_codes() for d in DIALECTS)) - index.rule_codes()
    for code in others:
        if not registry()[code].keywords and f'"{code}"' not in core:
            assert code not in rows, f"{code} is listed, but the {dialect} dialect never reports it"


def test_severities_follow_the_dialect() -> None:
    """A rule whose severity differs between dialects is shown with each dialect's own severity."""
    varying = [r for r in registry() if r.varies]
    assert varying
    for rule in varying:
        for dialect in DIALECTS:
            row = f'<a id="code-{rule.code}"></a>`{rule.code}` | {rule.severity(dialect).value} |'
            if f"`{rule.code}`" in TEXT[dialect]:
                assert row in TEXT[dialect], (rule.code, dialect)


# -- the changes page ---------------------------------------------------------------------------------


def test_changes_page_lists_each_dialect() -> None:
    """One row per dialect: its exact release, its reference page and its schema file."""
    text = PAGES[CHANGES]
    for dialect in DIALECTS:
        index = _index(dialect)
        row = (
            f"| `{dialect}` | Flash {index.flash_version} | [{reference_page(dialect)}]({reference_page(dialect)}) "
            f"| [`{schema_file(dialect)}`](../schema/{schema_file(dialect)}) |"
        )
        assert row in text, dialect


def test_changes_page_key_matrix_is_the_schemas() -> None:
    """The key matrix lists exactly the keys (two levels deep) that some dialect lacks, and each cell says
    whether that dialect's schema has the key."""
    text = PAGES[CHANGES]
    keys = {d: {format_path(p) for p in _index(d).all_key_paths() if len(p) <= 2} for d in DIALECTS}
    matrix = text.split("## Keys per dialect", 1)[1].split("\n\n", 2)[1]
    rows = {}
    for line in matrix.splitlines()[2:]:
        key, *cells = (cell.strip() for cell in line.strip("|").split("|"))
        rows[key.strip("`")] = cells
    differing = {k for k in set().union(*keys.values()) if any(k not in keys[d] for d in DIALECTS)}
    assert set(rows) == differing
    for key, cells in rows.items():
        assert cells == ["yes" if key in keys[d] else "—" for d in DIALECTS], key
    assert rows["train.max_length"][0] == "yes"
    assert rows["train.max_context_tokens"][-1] == "yes"


def test_changes_page_lists_every_release_in_order() -> None:
    """Every known release has a row, oldest first, saying which dialect's exact release checks it."""
    text = PAGES[CHANGES]
    data = releases_data()
    exact = {d: entry["release"] for d, entry in data["dialects"].items()}
    positions = []
    for release in data["releases"]:
        match = re.search(
            rf"^\| {re.escape(release['version'])} \| {re.escape(release['date'])} \| Flash "
            rf"{re.escape(exact[release['dialect']])}( \(|\s\|)",
            text,
            re.M,
        )
        assert match is not None, release["version"]
        positions.append(match.start())
        if "note" in release:
            assert release["note"] in text, release["version"]
    assert positions == sorted(positions)
