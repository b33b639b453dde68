"""Which files the language server serves: globs, `#:schema` directives, content, never pyproject.toml."""

from __future__ import annotations

import pytest
from flash_schema_lsp.features.selection import (
    DEFAULT_GLOBS,
    SCHEMA_ID,
    Settings,
    glob_regex,
    looks_like_flash,
    matches_globs,
    parse_settings,
    schema_directive,
    select,
    uri_to_path,
)

from flash_schema.schema_index import get_index

FLASH = 'model = "Qwen/Qwen3.5-4B"\n\n[environment]\nid = "org/env"\n'
OTHER = "[tool.ruff]\nline-length = 100\n"


def served(uri: str, text: str, settings: Settings | None = None, roots: tuple[str, ...] = ()) -> bool:
    return select(uri, text, settings or Settings(), roots).served


@pytest.mark.parametrize(
    "uri",
    [
        "file:///home/me/proj/configs/sft.toml",
        "file:///home/me/proj/sub/dir/configs/grpo.toml",
        "file:///home/me/proj/run.flash.toml",
        "file:///C:/Users/me/proj/configs/sft.toml",
    ],
)
def test_default_globs(uri):
    assert served(uri, OTHER)


@pytest.mark.parametrize(
    "uri",
    [
        "file:///home/me/proj/config.toml",
        "file:///home/me/proj/configs/nested/deeper.toml",
        "file:///home/me/proj/flash.toml.bak",
        "untitled:Untitled-1",
    ],
)
def test_not_matched_without_content(uri):
    assert not served(uri, OTHER)


def test_pyproject_is_never_served():
    directive = "#:schema ../schema/flash.schema.json\n" + FLASH
    for uri in ("file:///p/pyproject.toml", "file:///p/configs/pyproject.toml", "file:///p/Cargo.toml"):
        assert not served(uri, directive)
        assert not served(uri, FLASH)


@pytest.mark.parametrize(
    "directive",
    [
        "#:schema ../schema/flash.schema.json",
        "#:schema https://example.com/schemas/flash.schema.json",
        f"#:schema {SCHEMA_ID}",
    ],
)
def test_schema_directive(directive):
    text = f"# a comment first\n\n{directive}\n{OTHER}"
    assert schema_directive(text) == directive.split()[1]
    assert served("file:///p/anything.toml", text)
    assert served("untitled:Untitled-1", text)


def test_directive_after_content_does_not_count():
    text = OTHER + "#:schema ./flash.schema.json\n"
    assert schema_directive(text) is None
    assert not served("file:///p/anything.toml", text)


def test_directive_naming_another_schema_opts_out():
    text = "#:schema https://json.schemastore.org/ruff.json\n" + FLASH
    assert not served("file:///p/configs/ruff-ish.toml", text)


def test_schema_id_matches_the_schema():
    """`#:schema` with our URL: the newest release's schema, published as flash.schema.json."""
    import json
    from importlib import resources

    latest = json.loads(resources.files("flash_schema").joinpath("data", "flash.schema.json").read_text("utf-8"))
    assert latest["$id"] == SCHEMA_ID
    assert latest["x-flash-dialect"] == get_index().dialect


def test_content_detection():
    assert looks_like_flash(FLASH)
    assert served("file:///p/mine.toml", FLASH)
    assert served("untitled:Untitled-1", FLASH)
    assert not served("file:///p/mine.toml", FLASH, Settings(detect_by_content=False))
    # model must be a top-level key, with any Flash table (issue 10: not only [environment])
    assert not looks_like_flash('[train]\nmodel = "x"\n[environment]\nid = "a/b"\n')
    assert looks_like_flash('model = "Qwen/Qwen3.5-4B"\n[train]\nepochs = 1\n')
    assert not looks_like_flash('model = "Qwen/Qwen3.5-4B"\n[tool.other]\nepochs = 1\n')
    assert looks_like_flash('model = "x"\nenvironment.id = "a/b"\n')
    # half-written: content detection does not need the file to parse
    assert looks_like_flash('model = "Qwen/Qwen3.5-4B\n[environment]\nid = \n')


def test_custom_globs_relative_to_a_root():
    settings = parse_settings({"globs": ["training/*.toml"], "detectByContent": False})
    assert settings.globs == ("training/*.toml",)
    assert served("file:///ws/training/a.toml", OTHER, settings, roots=("/ws",))
    assert not served("file:///ws/configs/a.toml", OTHER, settings, roots=("/ws",))
    assert not served("file:///ws/training/a.toml", OTHER, settings)


def test_settings_parsing():
    nested = parse_settings({"flashSchema": {"globs": ["x/*.toml"], "detectByContent": False}})
    assert nested == Settings(globs=("x/*.toml",), detect_by_content=False)
    assert parse_settings(None) == Settings()
    assert parse_settings({"globs": 3, "detectByContent": "yes"}) == Settings()
    base = Settings(globs=("a/*.toml",), detect_by_content=False)
    assert parse_settings({"detectByContent": True}, base) == Settings(globs=("a/*.toml",), detect_by_content=True)
    assert Settings().globs == DEFAULT_GLOBS


def test_glob_syntax():
    assert glob_regex("**/*.{flash,train}.toml").fullmatch("a/b/x.train.toml")
    assert glob_regex("configs/[ab].toml").fullmatch("configs/a.toml")
    assert not glob_regex("configs/*.toml").fullmatch("configs/x/y.toml")
    assert matches_globs("/abs/configs/x.toml", ["**/configs/*.toml"])


def test_uri_to_path():
    assert uri_to_path("file:///home/me/a%20b/configs/x.toml") == "/home/me/a b/configs/x.toml"
    assert uri_to_path("file:///c%3A/Users/x.toml") == "c:/Users/x.toml"
    assert uri_to_path("untitled:Untitled-1") is None
