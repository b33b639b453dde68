"""The server module's own logic, in process: failure handling, caching, serving decisions."""

from __future__ import annotations

import logging

import pytest
from flash_schema_lsp import pygls_fixes
from flash_schema_lsp import server as srv
from flash_schema_lsp.documents import OpenDocument
from flash_schema_lsp.features.selection import Settings

FLASH = 'model = "Qwen/Qwen3.5-4B"\n\n[environment]\nid = "org/env"\n'


def test_a_failing_handler_returns_its_default_and_logs_no_content(caplog: pytest.LogCaptureFixture):
    @srv.safe(srv.empty)
    def broken(text: str) -> list[str]:
        raise ValueError(f"cannot read {text}")

    with caplog.at_level(logging.ERROR, logger="flash_schema_lsp"):
        assert broken('token = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx"') == []
    assert "ValueError" in caplog.text
    assert "broken" in caplog.text
    assert "sk-proj" not in caplog.text


def test_open_document_parses_once_per_text():
    doc = OpenDocument("file:///w/configs/a.toml", FLASH, 1)
    parsed = doc.document()
    diags = doc.diagnostics()
    assert doc.document() is parsed
    assert doc.diagnostics() is diags
    doc.update(FLASH, 2)  # same text, new version: nothing to redo
    assert doc.document() is parsed
    doc.update(FLASH + "[train]\n", 3)
    assert doc.document() is not parsed


def test_content_served_documents_stay_served_while_edited():
    ls = srv.FlashLanguageServer()
    doc = OpenDocument("file:///w/mine.toml", FLASH, 1)
    ls.decide(doc, sticky=False)
    assert doc.served
    doc.update('[environment]\nid = "org/env"\n', 2)  # `model` deleted while typing
    ls.decide(doc, sticky=True)
    assert doc.served  # its diagnostics (a missing `model`) keep showing
    ls.decide(doc, sticky=False)
    assert not doc.served


def test_settings_change_re_decides():
    ls = srv.FlashLanguageServer()
    doc = ls.documents.open("file:///w/mine.toml", FLASH, 1)
    ls.decide(doc, sticky=False)
    doc.pulled = True  # nothing to push in this test
    ls.apply_settings(Settings(detect_by_content=False))
    assert not doc.served
    assert ls.generation == 1


def test_an_edited_value_gives_the_diagnostics_of_a_fresh_parse():
    doc = OpenDocument("file:///w/configs/a.toml", FLASH + "\n[train]\nsteps = 300\n", 1)
    doc.warm()  # as after a publish: the next edit can reuse the parse
    for version, steps in enumerate(("0", "3000", "nan", '"x"', "", "0"), start=2):
        text = FLASH + f"\n[train]\nsteps = {steps}\n"
        doc.update(text, version)
        fresh = OpenDocument(doc.uri, text, version)
        assert doc.diagnostics() == fresh.diagnostics(), steps
        doc.warm()


def test_completion_documentation_comes_with_resolve():
    from flash_schema_lsp.features.documentation import Documentation
    from lsprotocol import types as lsp

    ls = srv.FlashLanguageServer()
    # The item names the release it was completed for (`steps` is a Flash 0.2.43 key).
    data = {**Documentation(("train", "steps"), "grpo").to_json(), "dialect": "0.2.43"}
    resolved = srv.completion_resolve(ls, lsp.CompletionItem(label="steps", data=data))
    assert isinstance(resolved.documentation, lsp.MarkupContent)
    assert "**`train.steps`**" in resolved.documentation.value
    newest = lsp.CompletionItem(label="steps", data=Documentation(("train", "steps"), "grpo").to_json())
    assert srv.completion_resolve(ls, newest).documentation is None  # today's Flash has no `steps`
    junk = lsp.CompletionItem(label="x", data={"path": 3})
    assert srv.completion_resolve(ls, junk).documentation is None


def test_stdin_is_read_on_the_event_loop_only_from_a_pipe_of_its_own(tmp_path):
    import io
    import os

    (read, write), (read_other, write_other) = os.pipe(), os.pipe()
    try:
        with (
            open(read, "rb", closefd=False) as stdin,
            open(write, "wb", closefd=False) as same_pipe,
            open(write_other, "wb", closefd=False) as stdout,
            open(tmp_path / "f", "wb") as file,
        ):
            assert pygls_fixes.separate_pipe(stdin, stdout) is (os.name == "posix")
            assert not pygls_fixes.separate_pipe(stdin, same_pipe)  # one pipe both ways: not its own
            assert not pygls_fixes.separate_pipe(file, stdout)
    finally:
        for fd in (read, write, read_other, write_other):
            os.close(fd)
    assert not pygls_fixes.separate_pipe(io.BytesIO(), io.BytesIO())


@pytest.mark.parametrize("client", ["visual-studio-code", "neovim", "silent", "utf-8 second", "utf-32 only"])
def test_client_capabilities_are_read_once_and_match_what_pygls_announces(client: str):
    from flash_schema_lsp.capabilities import ClientCapabilities, client_capabilities
    from flash_schema_lsp.features import positions
    from lsprotocol import types as lsp
    from pytest_lsp import client_capabilities as recorded

    offered = {"utf-8 second": ["utf-16", "utf-8"], "utf-32 only": ["utf-32"]}.get(client)
    if offered is not None:
        caps = lsp.ClientCapabilities(general=lsp.GeneralClientCapabilities(position_encodings=offered))
    else:
        caps = lsp.ClientCapabilities() if client == "silent" else recorded(client)
    params = lsp.InitializeParams(capabilities=caps)
    got = client_capabilities(params)
    if client == "silent":
        assert got == ClientCapabilities()  # a client that declares nothing gets the plainest answers
    elif offered is None:
        assert got.snippets
        assert got.hover_markdown
        assert got.hierarchical_symbols
    assert got.encoding == {"neovim": "utf-8", "utf-8 second": "utf-8", "utf-32 only": "utf-32"}.get(client, "utf-16")
    # The encoding the features convert with is the one the initialize result announces.
    ls = srv.FlashLanguageServer()
    for _ in ls.protocol.lsp_initialize(params):
        pass  # (this server registered no initialize handler of its own: nothing to run)
    assert positions.encoding_of(ls.protocol.server_capabilities.position_encoding) == got.encoding
