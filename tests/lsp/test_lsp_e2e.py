"""End to end: `python -m flash_schema lsp` over stdio, driven by pytest-lsp as VS Code and Neovim."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SERVER_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), str(ROOT / "lsp"), os.environ.get("PYTHONPATH")) if p),
}
#: What each client got back from `initialize` (keyed by the client object's id).
INIT_RESULTS: dict[int, lsp.InitializeResult] = {}
#: Set when the server asks the client to refresh its inlay hints (keyed like INIT_RESULTS).
REFRESHED: dict[int, asyncio.Event] = {}
WORKSPACE = ROOT / "tests" / "lsp" / "_workspace"  # never written to: documents are sent in didOpen

BROKEN = """\
model = "Qwen/Qwen3.5-4B"
lora_rank = 16

[environment]
id = "org/env"
secrets = ["😀日本", "HF_TOKEN"]

[train]
max_examples = 100
learnig_rate = 1e-4
"""
FIXED = """\
model = "Qwen/Qwen3.5-4B"

[environment]
id = "org/env"

[train]
max_examples = 100
learning_rate = 1e-4
lora_rank = 16
"""


def uri(*parts: str) -> str:
    return WORKSPACE.joinpath(*parts).as_uri()


def position_of(text: str, needle: str, delta: int = 0) -> lsp.Position:
    """LSP position of ``needle`` in ASCII-only lines (characters are the same in every encoding)."""
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    return lsp.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "flash_schema", "lsp"], server_env=SERVER_ENV),
    params=["visual-studio-code", "neovim"],
)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest) -> AsyncIterator[None]:
    params = lsp.InitializeParams(
        capabilities=client_capabilities(request.param),
        # These documents are written for Flash 0.2.43 (test_flash_version_setting switches it).
        initialization_options={"flashVersion": "0.2.43"},
        root_uri=WORKSPACE.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=WORKSPACE.as_uri(), name="workspace")],
    )
    refreshed = REFRESHED[id(lsp_client)] = asyncio.Event()

    @lsp_client.feature(lsp.WORKSPACE_INLAY_HINT_REFRESH)
    def inlay_hint_refresh(_params: None) -> None:
        """What an editor with `refreshSupport` does: ask for the hints again (here: note it)."""
        refreshed.set()

    result = await lsp_client.initialize_session(params)
    INIT_RESULTS[id(lsp_client)] = result
    yield
    await lsp_client.shutdown_session()


async def open_and_wait(client: LanguageClient, doc_uri: str, text: str) -> list[lsp.Diagnostic]:
    waiting = client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=doc_uri, language_id="toml", version=1, text=text))
    )
    await waiting
    return list(client.diagnostics[doc_uri])


async def test_broken_config_round_trip(client: LanguageClient):
    doc_uri = uri("configs", "broken.toml")
    diagnostics = await open_and_wait(client, doc_uri, BROKEN)
    codes = {d.code for d in diagnostics}
    assert {"ignored-top-level-key", "unknown-key", "reserved-secret"} <= codes
    assert all(d.source == "flash-schema" for d in diagnostics)
    typo = next(d for d in diagnostics if d.code == "unknown-key")
    assert typo.severity == lsp.DiagnosticSeverity.Error
    assert typo.message.endswith("\nhint: rename it to `learning_rate`")
    assert typo.range.start == position_of(BROKEN, "learnig_rate")
    moved = next(d for d in diagnostics if d.code == "ignored-top-level-key")
    assert moved.severity == lsp.DiagnosticSeverity.Warning

    # Positions after CJK and emoji follow the negotiated encoding.
    encoding = INIT_RESULTS[id(client)].capabilities.position_encoding
    secret = next(d for d in diagnostics if d.code == "reserved-secret")
    prefix = 'secrets = ["😀日本", '
    expected = {"utf-8": len(prefix.encode()), "utf-16": len(prefix.encode("utf-16-le")) // 2}[encoding]
    assert secret.range.start.character == expected

    # Hover on a key: the reference text, with the algorithm's default.
    result = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(doc_uri), position_of(BROKEN, "max_examples", 4))
    )
    assert result is not None
    assert isinstance(result.contents, lsp.MarkupContent)
    assert "**`train.max_examples`**" in result.contents.value
    assert result.range == lsp.Range(position_of(BROKEN, "max_examples"), position_of(BROKEN, "max_examples", 12))

    # Completion on the misspelled key: the right key, replacing the whole word.
    completion = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(doc_uri), position_of(BROKEN, "learnig_rate", 3))
    )
    assert isinstance(completion, lsp.CompletionList)
    items = {i.label: i for i in completion.items}
    assert "learning_rate" in items
    assert "max_examples" not in items
    edit = items["learning_rate"].text_edit
    assert isinstance(edit, lsp.TextEdit)
    assert edit.new_text == "learning_rate"
    assert edit.range == lsp.Range(position_of(BROKEN, "learnig_rate"), position_of(BROKEN, "learnig_rate", 12))
    # Its documentation comes when the editor shows the item (completionItem/resolve).
    completion_caps = INIT_RESULTS[id(client)].capabilities.completion_provider
    assert completion_caps is not None
    assert completion_caps.resolve_provider
    assert items["learning_rate"].documentation is None
    resolved = await client.completion_item_resolve_async(items["learning_rate"])
    assert isinstance(resolved.documentation, lsp.MarkupContent)
    assert resolved.documentation.kind == lsp.MarkupKind.Markdown
    assert "**`train.learning_rate`**" in resolved.documentation.value
    assert resolved.label == "learning_rate"

    # Quick fixes for the typo and the misplaced key.
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(doc_uri),
            range=typo.range,
            context=lsp.CodeActionContext(diagnostics=[typo]),
        )
    )
    assert actions is not None
    rename = next(a for a in actions if isinstance(a, lsp.CodeAction) and a.title == "Rename to `learning_rate`")
    assert rename.kind == lsp.CodeActionKind.QuickFix
    assert rename.is_preferred
    assert rename.edit is not None
    assert rename.edit.changes is not None
    assert [e.new_text for e in rename.edit.changes[doc_uri]] == ["learning_rate"]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(doc_uri),
            range=moved.range,
            context=lsp.CodeActionContext(diagnostics=[moved]),
        )
    )
    assert actions is not None
    assert any(isinstance(a, lsp.CodeAction) and a.title == "Move `lora_rank` to `[train]`" for a in actions)

    # Outline.
    symbols = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(doc_uri))
    )
    assert symbols is not None
    assert [s.name for s in symbols] == ["model", "lora_rank", "environment", "train"]

    # Fixing the file clears its diagnostics.
    waiting = client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=doc_uri, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=FIXED)],
        )
    )
    await waiting
    assert list(client.diagnostics[doc_uri]) == []


async def test_other_toml_files_are_not_served(client: LanguageClient):
    pyproject = uri("pyproject.toml")
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=pyproject, language_id="toml", version=1, text=BROKEN + "[tool.x\n")
        )
    )
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(pyproject), position_of(BROKEN, "max_examples", 2))
    )
    assert hover is None
    # The server handles messages in order: once the next file's diagnostics are in, any for
    # pyproject.toml would have arrived before them.
    served = uri("configs", "ok.toml")
    assert await open_and_wait(client, served, FIXED) == []
    assert pyproject not in client.diagnostics


async def test_content_detection_and_settings(client: LanguageClient):
    loose = uri("elsewhere", "train.toml")
    diagnostics = await open_and_wait(client, loose, BROKEN)
    assert {d.code for d in diagnostics} >= {"unknown-key"}
    # Turning content detection off stops serving it (its diagnostics are cleared).
    waiting = client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"flashSchema": {"detectByContent": False}})
    )
    await waiting
    assert list(client.diagnostics[loose]) == []


async def test_flash_version_setting_rechecks_open_documents(client: LanguageClient):
    doc_uri = uri("configs", "release.toml")
    old = await open_and_wait(client, doc_uri, FIXED)
    assert old == []  # a clean Flash 0.2.43 config
    waiting = client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"flashSchema": {"flashVersion": "1.3.28"}})
    )
    await waiting
    codes = {d.code for d in client.diagnostics[doc_uri]}
    assert "missing-key" in codes  # Flash 1.3 requires `project`
    assert "invalid-environment-id" in codes  # and three-part environment ids
    hover = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(doc_uri), position=position_of(FIXED, "learning_rate", 2)
        )
    )
    assert hover is not None
    assert "Flash 0.2.42 and later" in str(hover.contents)


async def test_pull_diagnostics(client: LanguageClient):
    caps = client.capabilities
    if caps is None or caps.text_document is None or caps.text_document.diagnostic is None:
        pytest.skip("this client does not pull diagnostics")
    doc_uri = uri("configs", "pulled.toml")
    pushed = await open_and_wait(client, doc_uri, BROKEN)
    report = await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(doc_uri))
    )
    assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == [d.code for d in pushed]
    assert report.result_id is not None
    again = await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(
            text_document=lsp.TextDocumentIdentifier(doc_uri), previous_result_id=report.result_id
        )
    )
    assert isinstance(again, lsp.RelatedUnchangedDocumentDiagnosticReport)


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "flash_schema", "lsp"], server_env=SERVER_ENV),
)
async def utf8_client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = lsp.GeneralClientCapabilities(
        position_encodings=[lsp.PositionEncodingKind.Utf16, lsp.PositionEncodingKind.Utf8]
    )
    result = await lsp_client.initialize_session(lsp.InitializeParams(capabilities=capabilities))
    INIT_RESULTS[id(lsp_client)] = result
    yield
    await lsp_client.shutdown_session()


async def test_utf8_is_preferred_when_offered(utf8_client: LanguageClient):
    assert INIT_RESULTS[id(utf8_client)].capabilities.position_encoding == "utf-8"


# -- what the editor shows beside the checks ---------------------------------------------------------------

VIEWED = """\
#:schema ../schema/flash.schema.json
model = "Qwen/Qwen3.5-9B"
project = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"
algorithm = "grpo"

[environment]
id = "github:acme/envs@v2:math/env.py"
pip = [
  "numpy",
  "scipy",
]

[train]
lora_rank = 16
"""


async def open_viewed(client: LanguageClient, name: str) -> lsp.TextDocumentIdentifier:
    """Open VIEWED, a config for today's Flash (the client starts on 0.2.43: switched first)."""
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"flashSchema": {"flashVersion": "1.3.28"}})
    )
    doc_uri = uri("configs", name)
    diagnostics = await open_and_wait(client, doc_uri, VIEWED)
    assert [d.code for d in diagnostics] == ["managed-environment-id"]  # a warning: Flash accepts it
    return lsp.TextDocumentIdentifier(doc_uri)


def whole(text: str) -> lsp.Range:
    return lsp.Range(lsp.Position(0, 0), lsp.Position(line=text.count("\n"), character=0))


async def test_server_announces_the_view_features(client: LanguageClient):
    capabilities = INIT_RESULTS[id(client)].capabilities
    assert capabilities.inlay_hint_provider
    assert capabilities.document_link_provider is not None
    assert capabilities.folding_range_provider
    assert capabilities.selection_range_provider
    assert capabilities.execute_command_provider is not None
    assert "flash-schema.show" in capabilities.execute_command_provider.commands


async def test_inlay_hints_and_their_setting(client: LanguageClient):
    where = await open_viewed(client, "hints.toml")
    hints = await client.text_document_inlay_hint_async(lsp.InlayHintParams(text_document=where, range=whole(VIEWED)))
    assert hints is not None
    # At the end of `[train]`: what Flash fills in under GRPO.
    train = next(h for h in hints if h.position == position_of(VIEWED, "[train]", len("[train]")))
    assert isinstance(train.label, str)
    assert train.label.startswith("lora_alpha 32 · learning_rate 1e-5")

    # The `inlayHints` setting turns them off (a client that can be asked to refresh them is).
    refreshed = REFRESHED[id(client)]
    refreshed.clear()
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"flashSchema": {"inlayHints": False}})
    )
    hints = await client.text_document_inlay_hint_async(lsp.InlayHintParams(text_document=where, range=whole(VIEWED)))
    assert not hints
    workspace = client.capabilities.workspace if client.capabilities else None
    if workspace and workspace.inlay_hint and workspace.inlay_hint.refresh_support:
        await asyncio.wait_for(refreshed.wait(), 10)


async def test_document_links(client: LanguageClient):
    where = await open_viewed(client, "links.toml")
    links = await client.text_document_document_link_async(lsp.DocumentLinkParams(text_document=where))
    assert links is not None
    # The schema file, the model's page, the environment's source file.
    assert [link.target for link in links] == [
        WORKSPACE.joinpath("schema", "flash.schema.json").as_uri(),
        "https://huggingface.co/Qwen/Qwen3.5-9B",
        "https://github.com/acme/envs/blob/v2/math/env.py",
    ]
    model = links[1]
    assert model.range == lsp.Range(position_of(VIEWED, "Qwen/"), position_of(VIEWED, "Qwen/", 15))
    tooltips = client.capabilities.text_document.document_link if client.capabilities.text_document else None
    assert (model.tooltip is not None) == bool(tooltips and tooltips.tooltip_support)


async def test_folding_ranges(client: LanguageClient):
    where = await open_viewed(client, "folding.toml")
    folds = await client.text_document_folding_range_async(lsp.FoldingRangeParams(text_document=where))
    assert folds is not None
    # Each table, and the multi-line array with its closing line in view.
    lines = {(f.start_line, f.end_line) for f in folds}
    environment = position_of(VIEWED, "[environment]").line
    pip = position_of(VIEWED, "pip = [").line
    assert {(environment, pip + 3), (pip, pip + 2)} <= lines


async def test_selection_ranges(client: LanguageClient):
    where = await open_viewed(client, "selection.toml")
    ranges = await client.text_document_selection_range_async(
        lsp.SelectionRangeParams(text_document=where, positions=[position_of(VIEWED, "lora_rank", 3)])
    )
    assert ranges is not None
    chain = []
    node: lsp.SelectionRange | None = ranges[0]
    while node is not None:
        chain.append(node.range)
        node = node.parent
    # Key, then key/value pair, then its table, then the document.
    assert chain[0] == lsp.Range(position_of(VIEWED, "lora_rank"), position_of(VIEWED, "lora_rank", 9))
    assert chain[1] == lsp.Range(position_of(VIEWED, "lora_rank"), position_of(VIEWED, "lora_rank = 16", 14))
    assert chain[2].start == position_of(VIEWED, "[train]")
    assert chain[-1].start == lsp.Position(0, 0)


async def test_show_command(client: LanguageClient):
    where = await open_viewed(client, "show.toml")
    shown = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="flash-schema.show", arguments=[where.uri])
    )
    # The resolved config, for the client to open read-only.
    assert shown["valid"] is True
    assert shown["language"] == "toml"
    assert shown["text"].startswith("# show.toml as Flash 1.3.28 runs it")
    assert "lora_alpha = 32" in shown["text"]
    # A document the server does not serve has nothing to show.
    unknown = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="flash-schema.show", arguments=[uri("configs", "never-opened.toml")])
    )
    assert unknown is None
