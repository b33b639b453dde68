"""In-process tests of what the editor shows beside the checks: inlay hints, links, folding,
selection ranges and the show command, pure functions with a `█` cursor marker."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

import pytest
from flash_schema_lsp import convert
from flash_schema_lsp.features.folding import Fold, folding_ranges
from flash_schema_lsp.features.inlay_hints import MAX_ITEMS, compact, inlay_hints
from flash_schema_lsp.features.links import document_links, github_file
from flash_schema_lsp.features.selection import Settings, has_settings, parse_settings
from flash_schema_lsp.features.selection_ranges import selection_ranges
from flash_schema_lsp.features.show import show_document

from flash_schema.document import Document, Span
from flash_schema.releases import resolve
from flash_schema.schema_index import get_index

At = Callable[[str], tuple[Document, int]]
INDEX = get_index("1.3")
PROJECT = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"
GRPO = f"""\
model = "Qwen/Qwen3.5-9B"
project = "{PROJECT}"
algorithm = "grpo"

[environment]
id = "acme/math/gsm8k"

[train]
lora_rank = 16
"""


def line_of(doc: Document, offset: int) -> str:
    return doc.line_text(doc.position(offset)[0])


# -- inlay hints ----------------------------------------------------------------------------------------


def test_hints_sit_at_each_table_and_list_what_flash_fills_in(at: At) -> None:
    doc, cursor = at(GRPO.replace("[train]\n", "[train]█\n"))
    hints = {line_of(doc, h.offset): h for h in inlay_hints(doc, INDEX)}
    train = hints["[train]"]
    assert train.offset == cursor  # the end of the header line
    assert train.label.startswith("lora_alpha 32 · learning_rate 1e-5 · prompts_per_step 64 · ")
    assert train.label.endswith(" · …")  # more than fit: all of them are in the tooltip
    assert "train.lora_alpha = 32  (default)" in train.tooltip.splitlines()
    assert "train.learning_rate = 1e-05  (worker default)" in train.tooltip.splitlines()
    assert "train.max_context_tokens = 2368  (worker default)" in train.tooltip.splitlines()
    assert "lora_rank" not in train.label.split(" · ")[0]  # the file sets it: not a hint
    # The top level's hint follows its last key; [environment]'s lists its defaults.
    assert hints['algorithm = "grpo"'].label == "thinking false · seed 42"
    assert hints["[environment]"].label == "params {} · pip [] · secrets []"


def test_hints_follow_the_algorithm_thinking_and_release(at: At) -> None:
    sft = GRPO.replace('algorithm = "grpo"', "thinking = true")
    doc, _ = at(sft + "█")
    train = next(h for h in inlay_hints(doc, INDEX) if line_of(doc, h.offset) == "[train]")
    assert "max_context_tokens 2048" in train.tooltip.replace(" = ", " ").replace("train.", "")
    assert "prompts_per_step" not in train.tooltip  # GRPO/OPD only
    assert "batch_size" in train.tooltip
    old = Document.from_text('model = "Qwen/Qwen3.5-4B"\n\n[train]\nmax_examples = 10\n')
    (hint,) = [h for h in inlay_hints(old, get_index("0.2.43")) if line_of(old, h.offset) == "[train]"]
    assert "train.max_length = 1024  (worker default)" in hint.tooltip.splitlines()


def test_hints_only_in_the_asked_range_and_none_for_a_complete_table(at: At) -> None:
    doc, cursor = at(GRPO + "█")
    assert [line_of(doc, h.offset) for h in inlay_hints(doc, INDEX, Span(cursor - 20, cursor))] == ["[train]"]
    # [wandb] keys have no defaults: nothing to hint there.
    full = Document.from_text('model = "Qwen/Qwen3.5-9B"\n[wandb]\nproject = "p"\n')
    assert not any(line_of(full, h.offset) == "[wandb]" for h in inlay_hints(full, INDEX))


def test_hints_survive_a_half_typed_document(at: At) -> None:
    doc, _ = at(GRPO + "lora_alpha = █\n[gpu\n")
    labels = [h.label for h in inlay_hints(doc, INDEX)]
    assert labels  # the rest of the file still gets its hints


def test_compact_values() -> None:
    assert compact(0.0001) == "1e-4"
    assert compact(1e-05) == "1e-5"
    assert compact(2.5e-05) == "2.5e-5"
    assert compact(0.8) == "0.8"
    assert compact(32) == "32"
    assert compact("per_episode") == '"per_episode"'
    assert compact([]) == "[]"
    assert compact("x" * 40).endswith("…")
    assert MAX_ITEMS >= 3


# -- links -------------------------------------------------------------------------------------------------


def test_model_and_github_environment_link_to_their_pages(at: At) -> None:
    doc, _ = at(
        '#:schema ../schema/flash-1.3.schema.json\nmodel = "Qwen/Qwen3.5-9B"█\n'
        '[environment]\nid = "github:acme/envs@v2:math/env.py"\n'
    )
    links = document_links(doc, "file:///w/configs/run.toml")
    assert [(doc.text[link.span.start : link.span.end], link.target) for link in links] == [
        ("../schema/flash-1.3.schema.json", "file:///w/schema/flash-1.3.schema.json"),
        ("Qwen/Qwen3.5-9B", "https://huggingface.co/Qwen/Qwen3.5-9B"),
        ("github:acme/envs@v2:math/env.py", "https://github.com/acme/envs/blob/v2/math/env.py"),
    ]


@pytest.mark.parametrize(
    ("environment_id", "page"),
    [
        ("github:o/r", "https://github.com/o/r/blob/main/environment.py"),
        ("github:o/r@v1.2:", "https://github.com/o/r/blob/v1.2/environment.py"),
        ("github:o/r:a\\b.py", "https://github.com/o/r/blob/main/a/b.py"),
        ("https://github.com/o/r.git", "https://github.com/o/r/blob/main/environment.py"),
        ("https://github.com/o/r/tree/dev/envs/math", "https://github.com/o/r/blob/dev/envs/math/environment.py"),
        ("https://github.com/o/r/blob/main/a%20b.py", "https://github.com/o/r/blob/main/a%20b.py"),
        ("acme/math/gsm8k", None),  # a managed id: no public page
        ("github:o/r:../x.py", None),  # Flash rejects it
        ("https://gitlab.com/o/r", None),
        ("https://github.com/o/r/issues", None),
    ],
)
def test_github_environment_ids_resolve_as_flash_resolves_them(environment_id: str, page: str | None) -> None:
    assert github_file(environment_id) == page


def test_no_link_for_an_untitled_document_s_relative_schema_or_a_non_id_model(at: At) -> None:
    doc, _ = at('#:schema flash.schema.json\nmodel = "not an id"█\n')
    assert document_links(doc, "untitled:Untitled-1") == []
    url = "https://raw.githubusercontent.com/flash-schema/flash-schema/main/schema/flash.schema.json"
    doc = Document.from_text(f"# comment\n#:schema {url}\n")
    assert [link.target for link in document_links(doc)] == [url]


# -- folding ------------------------------------------------------------------------------------------------


def test_tables_arrays_strings_and_comment_runs_fold(at: At) -> None:
    text = textwrap.dedent(
        """\
        # A config
        # in two comment lines
        model = "Qwen/Qwen3.5-9B"

        [environment]
        id = "a/b/c"
        pip = [
          "numpy",
          "scipy",
        ]

        [train]
        stop_sequences = ["a",
          "b"]
        █
        [wandb]
        project = \"\"\"
        multi
        line\"\"\"
        """
    )
    doc, _ = at(text)
    assert folding_ranges(doc) == [
        Fold(0, 1, "comment"),
        Fold(4, 9),  # [environment]: header to its last line
        Fold(6, 8),  # the array, its closing line kept in view
        Fold(11, 13),  # [train]: the blank lines after it are not part of it
        Fold(12, 13),  # an array closed at the end of a line folds to that line
        Fold(15, 18),
        Fold(16, 18),  # a multi-line string
    ]


def test_a_client_s_folding_limit_is_respected() -> None:
    folds = [Fold(i, i + 1) for i in range(0, 20, 2)]
    assert len(convert.folding_ranges(folds, 3)) == 3
    assert len(convert.folding_ranges(folds, None)) == 10


# -- selection ranges ----------------------------------------------------------------------------------------


def spans_text(doc: Document, chain: list[Span]) -> list[str]:
    return [doc.text[s.start : s.end] for s in chain]


def test_selection_grows_from_key_to_pair_to_table(at: At) -> None:
    doc, cursor = at(GRPO.replace("lora_rank", "lora_r█ank") + "\n[wandb]\nproject = 'p'\n")
    (chain,) = selection_ranges(doc, [cursor])
    assert spans_text(doc, chain)[:3] == ["lora_rank", "lora_rank = 16", "[train]\nlora_rank = 16"]
    assert chain[-1] == Span(0, len(doc.text))


def test_selection_from_a_value_in_an_array_and_a_dotted_key(at: At) -> None:
    doc, cursor = at('[train]\nstop_sequences = ["a", "b█"]\n')
    (chain,) = selection_ranges(doc, [cursor])
    assert spans_text(doc, chain) == [
        '"b"',
        '["a", "b"]',
        'stop_sequences = ["a", "b"]',
        '[train]\nstop_sequences = ["a", "b"]',
        doc.text,
    ]
    doc, cursor = at("train.lora_r█ank = 8\n")
    (chain,) = selection_ranges(doc, [cursor])
    assert spans_text(doc, chain)[:2] == ["lora_rank", "train.lora_rank = 8"]


def test_selection_on_a_header(at: At) -> None:
    doc, cursor = at("[environment]\nid = 'a/b'\n[tr█ain]\nepochs = 2\n")
    (chain,) = selection_ranges(doc, [cursor])
    assert spans_text(doc, chain) == ["train", "[train]", "[train]\nepochs = 2", doc.text]


# -- the show command ------------------------------------------------------------------------------------------


def test_show_command_gives_the_resolved_config_or_the_diagnostics(at: At) -> None:
    doc, _ = at(GRPO + "█")
    shown = show_document(doc, resolve("1.3"), "run.toml")
    assert shown.valid
    assert shown.language == "toml"
    assert shown.text.startswith("# run.toml as Flash 1.3.28 runs it")
    assert re.search(r"^lora_alpha = 32 +# default$", shown.text, re.MULTILINE)
    broken = Document.from_text(GRPO + "learnig_rate = 1\n")
    shown = show_document(broken, resolve("1.3"), "run.toml")
    assert not shown.valid
    assert shown.language == "plaintext"
    assert "run.toml:10:1: error[unknown-key]" in shown.text
    assert shown.to_json() == {"valid": False, "text": shown.text, "language": "plaintext"}


# -- the setting -----------------------------------------------------------------------------------------------


def test_the_inlay_hints_setting() -> None:
    assert Settings().inlay_hints
    assert not parse_settings({"inlayHints": False}).inlay_hints
    assert not parse_settings({"flashSchema": {"inlayHints": False}}).inlay_hints
    assert parse_settings({"inlayHints": "no"}, Settings(inlay_hints=False)).inlay_hints is False
    assert has_settings({"inlayHints": True})
