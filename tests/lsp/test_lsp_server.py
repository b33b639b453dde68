"""The server module's own logic, in process: failure handling, caching, serving decisions."""

from __future__ import annotations

import logging

import pytest
from flash_schema_lsp import server as srv
from flash_schema_lsp.features.selection import Settings

FLASH = 'model = "Qwen/Qwen3.5-4B"\n\n[environment]\nid = "org/env"\n'


def test_a_failing_handler_returns_its_default_and_logs_no_content(caplog: pytest.LogCaptureFixture):
    @srv.safe(srv._empty)
    def broken(text: str) -> list[str]:
        raise ValueError(f"cannot read {text}")

    with caplog.at_level(logging.ERROR, logger="flash_schema_lsp"):
        assert broken('token = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx"') == []
    assert "ValueError" in caplog.text
    assert "broken" in caplog.text
    assert "sk-proj" not in caplog.text


def test_open_document_parses_once_per_text():
    doc = srv.OpenDocument("file:///w/configs/a.toml", FLASH, 1)
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
    doc = srv.OpenDocument("file:///w/mine.toml", FLASH, 1)
    ls.decide(doc, sticky=False)
    assert doc.served
    doc.update('[environment]\nid = "org/env"\n', 2)  # `model` deleted while typing
    ls.decide(doc, sticky=True)
    assert doc.served  # its diagnostics (a missing `model`) keep showing
    ls.decide(doc, sticky=False)
    assert not doc.served


def test_settings_change_re_decides():
    ls = srv.FlashLanguageServer()
    doc = srv.OpenDocument("file:///w/mine.toml", FLASH, 1)
    ls.documents[doc.uri] = doc
    ls.decide(doc, sticky=False)
    doc.pulled = True  # nothing to push in this test
    ls.apply_settings(Settings(detect_by_content=False))
    assert not doc.served
    assert ls.generation == 1
