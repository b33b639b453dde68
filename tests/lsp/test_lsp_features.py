"""In-process tests of the language server's pure features, with a `█` cursor marker."""

from __future__ import annotations

import json
import textwrap

import pytest
from flash_schema_lsp.features import positions
from flash_schema_lsp.features.actions import code_actions
from flash_schema_lsp.features.completion import CompletionItem, complete
from flash_schema_lsp.features.completion_context import context_at
from flash_schema_lsp.features.diagnostics import for_editor
from flash_schema_lsp.features.documentation import Documentation
from flash_schema_lsp.features.hover import hover
from flash_schema_lsp.features.symbols import document_symbols

from flash_schema.checker import check_document
from flash_schema.diagnostics import Severity
from flash_schema.document import Document
from flash_schema.fixes import apply as apply_edits
from flash_schema.keydocs import key_markdown
from flash_schema.schema_index import get_index

#: These cases are written for Flash 0.2.43 (the dialect-specific ones for 1.3 are at the end).
DIALECT = "0.2.43"
INDEX = get_index(DIALECT)
HEAD = 'model = "Qwen/Qwen3.5-4B"\n'
GRPO = 'model = "Qwen/Qwen3.5-4B"\nalgorithm = "grpo"\n'


def labels(doc: Document, offset: int, **kw: bool) -> list[str]:
    return [i.label for i in complete(doc, INDEX, offset, **kw)]


def by_label(doc: Document, offset: int, **kw: bool) -> dict[str, CompletionItem]:
    return {i.label: i for i in complete(doc, INDEX, offset, **kw)}


# -- completion: keys ---------------------------------------------------------------------------


def test_keys_in_train_with_prefix(at):
    doc, offset = at(HEAD + '[environment]\nid = "a/b"\n\n[train]\nlora_alpha = 64\nlo█\n')
    got = labels(doc, offset)
    assert "lora_rank" in got
    assert "lora_alpha" not in got  # already present
    assert "hf_repo" not in got  # platform-managed: never offered
    item = complete(doc, INDEX, offset)[got.index("lora_rank")]
    source, _ = doc.text, offset
    assert source[item.replace.start : item.replace.end] == "lo"
    assert item.insert_text == "lora_rank = ${1:32}"
    assert item.snippet
    assert item.documentation(INDEX) is not None
    assert "**`train.lora_rank`**" in item.documentation(INDEX)
    # The server sends `docs` as the item's data and renders it on completionItem/resolve.
    assert item.docs is not None
    sent = Documentation.from_json(json.loads(json.dumps(item.docs.to_json())))
    assert sent == item.docs
    assert sent.render(INDEX) == item.documentation(INDEX)


def test_documentation_refs_from_the_editor_are_checked():
    assert Documentation.from_json(None) is None
    assert Documentation.from_json({"path": "train"}) is None
    assert Documentation.from_json({"path": [True]}) is None
    assert Documentation.from_json({"path": ["train"], "algorithm": 3, "thinking": False}) is None
    assert Documentation.from_json({"path": ["nope"], "algorithm": None, "thinking": False}) is not None
    assert Documentation(("nope",)).render(INDEX) is None


def test_keys_offers_lora_alpha_when_absent(at):
    doc, offset = at(HEAD + "[train]\nlo█")
    got = labels(doc, offset)
    assert {"lora_rank", "lora_alpha"} <= set(got)


def test_plain_text_when_client_has_no_snippets(at):
    doc, offset = at(HEAD + "[train]\nlo█")
    items = by_label(doc, offset, snippets=False)
    rank = items["lora_rank"]
    assert rank.insert_text == "lora_rank = 32"
    assert not rank.snippet
    assert items["learning_rate"].insert_text == "learning_rate = 0.0001"


def test_grpo_only_keys_sorted_last_under_sft(at):
    doc, offset = at(HEAD + "[train]\n█\n")
    items = complete(doc, INDEX, offset)
    ordered = [i.label for i in sorted(items, key=lambda i: i.sort_text or "")]
    assert ordered.index("steps") > ordered.index("epochs")
    assert ordered.index("group_size") > ordered.index("max_examples")
    steps = next(i for i in items if i.label == "steps")
    assert steps.detail is not None
    assert "ignored by sft" in steps.detail
    epochs = next(i for i in items if i.label == "epochs")
    assert epochs.detail is not None
    assert "ignored" not in epochs.detail


def test_sft_only_keys_sorted_last_under_grpo(at):
    doc, offset = at(GRPO + "[train]\n█\n")
    items = {i.label: i for i in complete(doc, INDEX, offset)}
    assert "ignored by grpo" in (items["epochs"].detail or "")
    assert (items["epochs"].sort_text or "") > (items["steps"].sort_text or "")
    # the default in the snippet is this config's algorithm's
    assert items["learning_rate"].insert_text == "learning_rate = ${1:1e-05}"


def test_snippet_values(at):
    doc, offset = at("█\n")
    items = by_label(doc, offset)
    assert items["algorithm"].insert_text == 'algorithm = "${1|sft,grpo|}"'
    assert items["thinking"].insert_text == "thinking = ${1|false,true|}"
    assert items["model"].insert_text.startswith('model = "${1|Qwen/Qwen3.5-4B,')


def test_string_placeholder_is_quoted(at):
    doc, offset = at(HEAD + "[environment]\ni█")
    item = by_label(doc, offset)["id"]
    assert item.insert_text == 'id = "${1:your-org/your-env}"'
    plain = by_label(doc, offset, snippets=False)["id"]
    assert plain.insert_text == 'id = "your-org/your-env"'


def test_key_completion_keeps_existing_value(at):
    doc, offset = at(HEAD + "[train]\nlo█ = 16\n")
    item = by_label(doc, offset)["lora_rank"]
    assert item.insert_text == "lora_rank"


def test_top_level_offers_undeclared_tables_as_headers(at):
    doc, offset = at('algorithm = "sft"\ntr█\n')
    items = by_label(doc, offset)
    assert "algorithm" not in items  # present, on the document's very first line
    assert items["train"].insert_text == "[train]\n$0"
    # but not when top-level keys follow: a header there would capture them
    doc, offset = at('tr█\nmodel = "Qwen/Qwen3.5-4B"\n')
    assert "train" not in labels(doc, offset)
    assert "algorithm" in labels(doc, offset)


def test_present_keys_quoted_or_on_broken_lines(at):
    doc, offset = at(HEAD + '[train]\n"lora_rank" = 8\nmax_steps = \nlo█\n')
    got = labels(doc, offset)
    assert "lora_rank" not in got
    assert "max_steps" not in got  # on a line the core had to blank
    assert "lora_alpha" in got


def test_dotted_key_completion(at):
    doc, offset = at(HEAD + "environment.█\n")
    assert {"id", "params", "pip", "secrets"} <= set(labels(doc, offset))


def test_key_completion_in_broken_document(at):
    # The document has a syntax error (the line being typed) and another one above.
    doc, offset = at(HEAD + "thinking = yes\n[train]\nepochs = 3\nmax_ex█\n")
    assert doc.syntax_errors
    got = labels(doc, offset)
    assert "max_examples" in got
    assert "epochs" not in got


def test_no_completion_in_comment_or_after_value(at):
    doc, offset = at(HEAD + "[train]\n# lo█\n")
    assert complete(doc, INDEX, offset) == []
    doc, offset = at(HEAD + 'algorithm = "sft" █\n')
    assert complete(doc, INDEX, offset) == []
    doc, offset = at(HEAD + "[train]\nlora_rank █= 3\n")
    assert complete(doc, INDEX, offset) == []


def test_unknown_table_gets_no_keys(at):
    doc, offset = at(HEAD + "[trian]\nlo█\n")
    assert complete(doc, INDEX, offset) == []


# -- completion: headers --------------------------------------------------------------------------


def test_header_completion(at):
    doc, offset = at(HEAD + '[environment]\nid = "a/b"\n\n[tr█')
    items = by_label(doc, offset)
    assert "train" in items
    assert "environment" not in items  # already declared
    assert {"environment.params", "wandb", "worker_env"} <= set(items)
    train = items["train"]
    assert train.insert_text == "train]"
    assert doc.text[train.replace.start : train.replace.end] == "tr"


def test_header_completion_with_closing_bracket(at):
    doc, offset = at("[environment.pa█]\n")
    item = by_label(doc, offset)["environment.params"]
    assert item.insert_text == "environment.params"
    assert doc.text[item.replace.start : item.replace.end] == "environment.pa"


# -- completion: values ------------------------------------------------------------------------------


def test_algorithm_values(at):
    doc, offset = at("algorithm = █\n")
    items = complete(doc, INDEX, offset)
    assert [i.label for i in items] == ['"sft"', '"grpo"']
    assert all(i.replace.start == i.replace.end == offset for i in items)


def test_model_ids_with_cap_in_detail(at):
    doc, offset = at('model = "Q█\n')
    items = by_label(doc, offset)
    four = items['"Qwen/Qwen3.5-4B"']
    assert "4.7B" in (four.detail or "")
    assert "lora_rank ≤ 64" in (four.detail or "")
    assert "lora_rank ≤ 128" in (items['"Qwen/Qwen3.5-2B"'].detail or "")
    # The partly typed string (with its quote) is what gets replaced.
    assert doc.text[four.replace.start : four.replace.end] == '"Q'
    assert four.insert_text == '"Qwen/Qwen3.5-4B"'
    assert four.filter_text == '"Qwen/Qwen3.5-4B"'
    assert four.docs is not None
    sent = Documentation.from_json(json.loads(json.dumps(four.docs.to_json())))
    assert sent is not None
    assert sent.render(INDEX) == four.documentation(INDEX)
    assert "Qwen/Qwen3.5-4B" in (four.documentation(INDEX) or "")


def test_model_value_replaces_auto_closed_quote(at):
    doc, offset = at('model = "Q█"\n')
    item = by_label(doc, offset)['"Qwen/Qwen3.5-9B"']
    assert doc.text[item.replace.start : item.replace.end] == '"Q"'
    fixed = apply_edits_text(doc.text, item.replace.start, item.replace.end, item.insert_text)
    assert fixed == 'model = "Qwen/Qwen3.5-9B"\n'


def apply_edits_text(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def test_boolean_and_default_values(at):
    doc, offset = at("thinking = t█\n")
    items = complete(doc, INDEX, offset)
    assert [i.label for i in items][:2] == ["true", "false"]
    assert doc.text[items[0].replace.start : items[0].replace.end] == "t"


def test_numeric_value_default_for_algorithm(at):
    doc, offset = at(GRPO + "[train]\nlearning_rate = █\n")
    items = complete(doc, INDEX, offset)
    assert items[0].label == "1e-05"
    assert "default" in (items[0].detail or "")


# -- hover --------------------------------------------------------------------------------------------


def test_hover_key_algorithm_specific_default(at):
    doc, offset = at(GRPO + "[train]\nlearning_r█ate = 2e-5\n")
    found = hover(doc, INDEX, offset)
    assert found is not None
    assert "**Default:** `1e-05`" in found.markdown
    assert doc.text[found.span.start : found.span.end] == "learning_rate"
    doc, offset = at(HEAD + "[train]\nlearning_r█ate = 2e-5\n")
    found = hover(doc, INDEX, offset)
    assert found is not None
    assert "**Default:** `0.0001`" in found.markdown


def test_hover_text_is_the_reference_text(at):
    doc, offset = at(HEAD + "[train]\nlora_r█ank = 16\n")
    found = hover(doc, INDEX, offset)
    index = get_index(DIALECT)
    info = index.info(("train", "lora_rank"))
    assert info is not None
    assert found is not None
    assert found.markdown.startswith(key_markdown(index, info, algorithm="sft"))
    assert "[Reference](https://" in found.markdown
    assert "#key-train-lora-rank)" in found.markdown


def test_hover_header_segments(at):
    doc, offset = at('[environment.par█ams]\nsplit = "train"\n')
    found = hover(doc, INDEX, offset)
    assert found is not None
    assert "**`environment.params`**" in found.markdown
    assert doc.text[found.span.start : found.span.end] == "params"
    doc, offset = at('[envi█ronment.params]\nsplit = "train"\n')
    found = hover(doc, INDEX, offset)
    assert found is not None
    assert "**`environment`**" in found.markdown


def test_hover_enum_value(at):
    doc, offset = at(HEAD + 'algorithm = "gr█po"\n')
    found = hover(doc, INDEX, offset)
    assert found is not None
    assert '**`"grpo"`**' in found.markdown
    assert "Group Relative" in found.markdown
    assert doc.text[found.span.start : found.span.end] == '"grpo"'


def test_hover_model_id(at):
    doc, offset = at('model = "Qwen/Qwen3.█5-9B"\n')
    found = hover(doc, INDEX, offset)
    assert found is not None
    assert "9.7B" in found.markdown
    assert "**Max `lora_rank`:** 64" in found.markdown


def test_hover_plain_value_shows_key_docs(at):
    doc, offset = at(HEAD + "[train]\nlora_rank = 1█6\n")
    found = hover(doc, INDEX, offset)
    assert found is not None
    assert "**`train.lora_rank`**" in found.markdown
    assert doc.text[found.span.start : found.span.end] == "16"


def test_hover_nothing_on_comments_and_blanks(at):
    doc, offset = at(HEAD + "# lora_r█ank\n")
    assert hover(doc, INDEX, offset) is None
    doc, offset = at(HEAD + "\n█\n")
    assert hover(doc, INDEX, offset) is None


def test_hover_in_broken_document(at):
    doc, offset = at(HEAD + "[train]\nlora_rank = \nmax_exa█mples = 10\n")
    assert doc.syntax_errors
    found = hover(doc, INDEX, offset)
    assert found is not None
    assert "**`train.max_examples`**" in found.markdown


def test_hover_inside_multiline_string_is_not_a_key(at):
    text = HEAD + '[environment]\nid = "a/b"\n[environment.params]\nprompt = """\nlora_r█ank = 3\n"""\n'
    doc, offset = at(text)
    assert not doc.syntax_errors
    found = hover(doc, INDEX, offset)
    assert found is None or "lora_rank" not in found.markdown


def test_hover_in_inline_table(at):
    doc, offset = at(HEAD + '[environment]\nparams = { sp█lit = "eval" }\n')
    found = hover(doc, INDEX, offset)
    assert found is not None
    assert "**`environment.params.split`**" in found.markdown


# -- cursor queries ------------------------------------------------------------------------------------


def test_enclosing_table_ignores_brackets_in_multiline_arrays(at):
    doc, offset = at(GRPO + "[train]\nstop_sequences = [\n[1]\n]\n█\n".replace("[1]", '"</a>"'))
    assert doc.enclosing_table(offset)[0] == ("train",)
    doc, offset = at('[train]\nstop_sequences = [\n  "a",\n]\nx = """\n[wandb]\n"""\n█')
    assert doc.enclosing_table(offset)[0] == ("train",)


def test_context_value_and_header(at):
    doc, offset = at("algorithm = █")
    assert context_at(doc, offset).kind == "value"
    doc, offset = at("[tr█")
    assert context_at(doc, offset).kind == "header"
    doc, offset = at("[train]█")
    assert context_at(doc, offset).kind == "none"


def test_target_in_multiline_array(at):
    doc, offset = at('[train]\nstop_sequences = [\n  "</an█swer>",\n]\n')
    target = doc.at(offset)
    assert target is not None
    assert target.path == ("train", "stop_sequences", 0)


# -- diagnostics ------------------------------------------------------------------------------------------


def test_editor_diagnostics_match_the_cli(at):
    text = HEAD + '[environment]\nid = "a/b"\n[train]\nlearnig_rate = 1e-4\n'
    doc = Document.from_text(text)
    core = check_document(doc, DIALECT)
    shown = for_editor(core)
    assert [d.code for d in shown] == [d.code for d in core]
    typo = next(d for d in shown if d.code == "unknown-key")
    assert typo.severity is Severity.ERROR
    assert typo.message.endswith("\nhint: rename it to `learning_rate`")


def test_syntax_error_keeps_schema_diagnostics():
    text = HEAD + '[environment]\nid = "a/b"\n[train]\nlora_rank = 0\nthis is not toml\n'
    codes = [d.code for d in for_editor(check_document(Document.from_text(text), DIALECT))]
    assert "toml-syntax" in codes
    assert "out-of-range" in codes


# -- code actions ----------------------------------------------------------------------------------------------


def fixed_text(text: str, title_start: str) -> tuple[str, bool]:
    doc = Document.from_text(text)
    actions = code_actions(doc, check_document(doc, DIALECT))
    action = next(a for a in actions if a.title.startswith(title_start))
    return apply_edits(text, action.edits), action.preferred


def test_action_renames_typo():
    text = HEAD + '[environment]\nid = "a/b"\n[train]\nmax_examples = 10\nlearnig_rate = 1e-4\n'
    doc = Document.from_text(text)
    actions = code_actions(doc, check_document(doc, DIALECT))
    assert [a.title for a in actions] == ["Rename to `learning_rate`"]
    assert actions[0].preferred
    new = apply_edits(text, actions[0].edits)
    assert "learning_rate = 1e-4" in new
    assert check_document(Document.from_text(new), DIALECT) == []


def test_action_moves_top_level_key_to_its_table():
    text = HEAD + 'lora_rank = 16\n[environment]\nid = "a/b"\n[train]\nmax_examples = 10\n'
    new, preferred = fixed_text(text, "Move `lora_rank`")
    assert not preferred
    data = Document.from_text(new).data
    assert "lora_rank" not in data
    assert data["train"] == {"max_examples": 10, "lora_rank": 16}


def test_action_adds_missing_model():
    text = '[environment]\nid = "a/b"\n[train]\nmax_examples = 10\n'
    new, _ = fixed_text(text, "Add `model")
    assert check_document(Document.from_text(new), DIALECT) == []


def test_actions_filtered_by_range():
    text = HEAD + 'lora_rank = 16\n[environment]\nid = "a/b"\n[train]\nlearnig_rate = 1e-4\nmax_examples = 1\n'
    doc = Document.from_text(text)
    diags = check_document(doc, DIALECT)
    at_typo = text.index("learnig")
    from flash_schema.document import Span

    titles = [a.title for a in code_actions(doc, diags, Span(at_typo, at_typo))]
    assert titles == ["Rename to `learning_rate`"]


# -- symbols ------------------------------------------------------------------------------------------------------


def test_document_symbols_outline():
    text = textwrap.dedent(
        """\
        model = "Qwen/Qwen3.5-4B"
        algorithm = "sft"

        [environment]
        id = "org/env"
        pip = ["openai"]

        [environment.params]
        split = "train"

        [train]
        epochs = 3
        """
    )
    doc = Document.from_text(text)
    symbols = document_symbols(doc)
    assert [s.name for s in symbols] == ["model", "algorithm", "environment", "train"]
    env = symbols[2]
    assert [c.name for c in env.children] == ["id", "pip", "params"]
    assert env.kind == "table"
    assert symbols[0].kind == "string"
    params = env.children[2]
    assert [c.name for c in params.children] == ["split"]
    assert env.span.end >= params.span.end  # a table covers its sub-tables
    assert text[env.selection.start : env.selection.end] == "[environment]"
    assert symbols[3].children[0].kind == "number"


# -- positions --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "character"),
    [(positions.UTF16, 9), (positions.UTF8, 15), (positions.UTF32, 8)],
)
def test_positions_with_cjk_and_emoji(encoding, character):
    text = '# 注释 😀\na = "日本😀x"\n'
    doc = Document.from_text(text)
    offset = text.index("x")
    assert positions.to_position(doc, offset, encoding) == (1, character)
    assert positions.to_offset(doc, 1, character, encoding) == offset


def test_positions_round_down_inside_a_character():
    text = 'a = "😀x"\n'
    doc = Document.from_text(text)
    emoji = text.index("😀")
    assert positions.to_offset(doc, 0, 6, positions.UTF16) == emoji  # inside the surrogate pair
    assert positions.to_offset(doc, 0, 7, positions.UTF8) == emoji  # inside the UTF-8 sequence


def test_positions_crlf():
    text = 'a = 1\r\nb = "é"\r\n'
    doc = Document.from_text(text)
    assert positions.to_position(doc, text.index("b"), positions.UTF16) == (1, 0)
    assert positions.to_position(doc, text.index("\r"), positions.UTF16) == (0, 5)
    assert positions.to_offset(doc, 0, 99, positions.UTF16) == text.index("\r")  # clamped to the line
    end = text.rindex('"') + 1
    assert positions.to_position(doc, end, positions.UTF8) == (1, 8)
    assert positions.to_position(doc, end, positions.UTF16) == (1, 7)
    assert positions.to_offset(doc, 99, 0, positions.UTF16) == len(text)


def test_crlf_document_features():
    text = HEAD.replace("\n", "\r\n") + "[train]\r\nlearnig_rate = 1e-4\r\nlo"
    doc = Document.from_text(text)
    assert "lora_rank" in labels(doc, len(text))
    found = hover(doc, INDEX, text.index("learnig"))
    assert found is None  # unknown key: nothing to document
    actions = code_actions(doc, check_document(doc, DIALECT))
    new = apply_edits(text, next(a for a in actions if a.title.startswith("Rename")).edits)
    assert "\r\nlearning_rate = 1e-4\r\n" in new


def test_encoding_names():
    assert positions.encoding_of("utf-8") == positions.UTF8
    assert positions.encoding_of("utf-32") == positions.UTF32
    assert positions.encoding_of("utf-16") == positions.UTF16
    assert positions.encoding_of(None) == positions.UTF16


# -- the release decides what is offered ------------------------------------------------------------

INDEX_13 = get_index("1.3")


def test_completion_offers_only_the_release_s_keys(at):
    doc, offset = at('model = "Qwen/Qwen3.5-9B"\nproject = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"\n\n[train]\nma█\n')
    got = [i.label for i in complete(doc, INDEX_13, offset)]
    assert "max_context_tokens" in got
    assert "max_length" not in got  # renamed in 0.2.49
    old = [i.label for i in complete(doc, INDEX, offset)]
    assert "max_length" in old
    assert "max_context_tokens" not in old


def test_value_completion_offers_the_release_s_models_and_algorithms(at):
    doc, offset = at('model = "█"\n')
    models = [i.label for i in complete(doc, INDEX_13, offset)]
    assert '"Qwen/Qwen3.8-27B"' in models or "Qwen/Qwen3.8-27B" in models
    assert not any("MiniCPM" in m for m in models)
    doc, offset = at("algorithm = █\n")
    assert '"opd"' in [i.label for i in complete(doc, INDEX_13, offset)]
    assert '"opd"' not in [i.label for i in complete(doc, INDEX, offset)]


def test_hover_says_which_releases_have_the_key(at):
    doc, offset = at('model = "Qwen/Qwen3.5-9B"\n\n[train]\nmax_context█_tokens = 4096\n')
    found = hover(doc, INDEX_13, offset)
    assert found is not None
    assert "Flash 0.2.49 and later" in found.markdown
