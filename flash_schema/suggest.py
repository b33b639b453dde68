"""What to tell a user beside "this is wrong": the close name they meant, the table a key belongs
in, or the Flash release a key or value comes from; and the fix that goes with it (as data)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from flash_schema import keywords as kw
from flash_schema import toml_text
from flash_schema.diagnostics import FixSpec, format_path
from flash_schema.document import Path
from flash_schema.messages import escape, join, toml_value

if TYPE_CHECKING:
    from flash_schema.schema_index import SchemaIndex


class _Converter(Protocol):
    """What suggestions need of the validation in progress."""

    @property
    def dialect(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...
    @property
    def root(self) -> Mapping[str, Any]: ...


Suggestion = tuple[str, "str | None", "FixSpec | None"]

#: Words people use for an algorithm Flash names otherwise (a "did you mean" beyond spelling).
SYNONYMS = {
    "rl": "grpo",
    "ppo": "grpo",
    "rlhf": "grpo",
    "reinforce": "grpo",
    "sl": "sft",
    "supervised": "sft",
    "finetune": "sft",
    "fine-tune": "sft",
    "distill": "opd",
    "distillation": "opd",
    "kd": "opd",
}


def close(word: str, candidates: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The closest candidates ("did you mean"); difflib is imported only when a name is wrong."""
    import difflib

    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=cutoff)


def _unambiguous(word: str, matches: Sequence[str]) -> bool:
    """One close name, or one much closer than the next: a rename `check --fix` may make."""
    if len(matches) == 1:
        return True
    import difflib

    first, second = (difflib.SequenceMatcher(None, word, m).ratio() for m in matches[:2])
    return first >= 0.8 and first - second >= 0.15


def value(given: Any, options: Iterable[Any]) -> Any:
    """The allowed value ``given`` most likely means (case and spaces aside, then spelling)."""
    if not isinstance(given, str):
        return None
    opts = [o for o in options if isinstance(o, str)]
    folded = {o.lower(): o for o in opts}
    if given.strip().lower() in folded:
        return folded[given.strip().lower()]
    lower = close(given.lower(), list(folded), n=1, cutoff=0.6)
    return folded[lower[0]] if lower else None


def _index(conv: _Converter) -> SchemaIndex:
    from flash_schema.schema_index import get_index

    return get_index(conv.dialect)


def _free(conv: _Converter, table: Path, name: str) -> bool:
    node: Any = conv.data
    for part in table:
        node = node.get(part) if isinstance(node, Mapping) else None
    return not isinstance(node, Mapping) or name not in node


def _release(conv: _Converter) -> str:
    return str(conv.root.get(kw.VERSION, ""))


def _dotted(path: Path) -> str:
    """A key path as the root's other-release annotations name it (``train.max_length``)."""
    return ".".join(str(p) for p in path)


def other_release_key(conv: _Converter, path: Path) -> dict[str, str] | None:
    """What another release says of this key path (renamed, added later, removed), if any."""
    notes: Mapping[str, Mapping[str, str]] = conv.root.get(kw.OTHER_RELEASES, {})
    found = notes.get(_dotted(path))
    return dict(found) if found else None


def other_release_value(conv: _Converter, path: Path, given: Any) -> str | None:
    """What another release says of this value of the key (added later, removed), if any."""
    if not isinstance(given, str):
        return None
    values: Mapping[str, str] = conv.root.get(kw.OTHER_VALUES, {}).get(_dotted(path), {})
    found = values.get(given) or values.get(given.lower())
    return f"{escape(found)}, so Flash {_release(conv)} rejects it" if found else None


def _where(index: SchemaIndex, name: str, here: Path) -> Path | None:
    """The table a key of this name belongs in (another one than ``here``), if exactly known."""
    homes = [p[:-1] for p in index.where_defined(name) if p[:-1] != here]
    return homes[0] if homes else None


def _table_words(table: Path) -> str:
    return f"in `[{format_path(table)}]`" if table else "at the top level"


def unknown_key(conv: _Converter, path: Path, known: Sequence[str], *, is_table: bool) -> Suggestion:
    """A key a closed table does not define: another release's key, a typo, or a misplaced key."""
    name, table = str(path[-1]), path[:-1]
    shown = escape(name)
    if table:
        template = f"unknown key `{shown}` in `[{format_path(table)}]`; Flash rejects it"
    elif is_table:
        template = f"unknown table `[{shown}]`; Flash rejects it"
    else:
        template = f"unknown top-level key `{shown}`; Flash rejects it"
    hint: str | None = "allowed keys: " + ", ".join(sorted(known))
    if not table and name.lower() in _algorithm_names():
        return _algorithm_table(conv, path)
    other = other_release_key(conv, path)
    if other is not None:
        rename = other.get("rename")
        message = f"{escape(other['message'])}, so Flash {_release(conv)} rejects it"
        if rename and _free(conv, table, rename):
            return message, f"rename it to `{rename}`", FixSpec("rename", path, rename, certain=True)
        if other.get("remove"):
            return f"{message} ({other['remove']})", "remove it", FixSpec("remove", path, certain=True)
        return message, "remove it" if not rename else f"use `{rename}`", None
    index = _index(conv)
    matches = close(name, known, n=2, cutoff=0.6)
    if matches:
        best = matches[0]
        certain = _unambiguous(name, matches) and _free(conv, table, best)
        shown_best = f"[{best}]" if is_table else best
        return (
            template + f"; did you mean `{shown_best}`?",
            f"rename it to `{shown_best}`",
            FixSpec("rename", path, best, certain=certain),
        )
    home = _where(index, name, table)
    if home is not None:
        where = f"`[{format_path(home)}]`" if home else "the top level"
        message = template + f"; it belongs {_table_words(home)}"
        return message, f"move it to {where}", FixSpec("move", path, home, certain=True)
    return template, hint, None


@functools.cache
def _algorithm_names() -> frozenset[str]:
    """Every algorithm a dialect knows: a top-level table named like one holds its `[train]` knobs
    (`[opd]` too under 0.2.43, which has no OPD yet)."""
    from flash_schema.dialects import DIALECTS, load_schema

    return frozenset(
        name for d in DIALECTS for name in load_schema(d).get("properties", {}).get("algorithm", {}).get(kw.ENUM, ())
    )


def _algorithm_table(conv: _Converter, path: Path) -> Suggestion:
    name = escape(str(path[-1]))
    algorithms = list(_index(conv).algorithms)
    words = join([a.upper() for a in sorted(algorithms, key=lambda a: a != "grpo")], "and")
    has_train = "train" in conv.data
    fix = None if has_train else FixSpec("rename", path, "train", certain=True)
    return (
        f"`[{name}]` is not a Flash table; {words} knobs belong under `[train]` (set `algorithm` to choose)",
        "rename the table to `[train]`" if fix else "move these keys into `[train]`",
        fix,
    )


def lax_top_level(conv: _Converter, path: Path, template: str, hint: str | None) -> Suggestion:
    """An unknown top-level scalar that the release ignores (before 0.2.58)."""
    name = str(path[-1])
    index = _index(conv)
    homes = [p for p in index.where_defined(name) if len(p) > 1]
    if homes:
        dest = homes[0][:-1]
        where = format_path(dest)
        return (
            f"`{escape(name)}` at the top level is ignored by Flash; it belongs in `[{where}]`",
            f"move it under `[{where}]`",
            FixSpec("move", path, dest, certain=True),
        )
    other = other_release_key(conv, path)
    if other is not None:
        return f"{template}; {escape(other['message'])}", "remove it", FixSpec("remove", path, certain=True)
    matches = close(name, index.child_keys(()), n=1, cutoff=0.7)
    if matches:
        return (
            template + f"; did you mean `{matches[0]}`?",
            f"rename it to `{matches[0]}`",
            FixSpec("rename", path, matches[0], certain=_free(conv, (), matches[0])),
        )
    return template, hint, FixSpec("remove", path, certain=True)


def unknown_table(conv: _Converter, path: Path, template: str, hint: str | None) -> Suggestion:
    """An unknown top-level table in a release that ignores unknown scalars (before 0.2.58)."""
    name = str(path[-1])
    if name.lower() in _algorithm_names():
        return _algorithm_table(conv, path)
    other = other_release_key(conv, path)
    if other is not None:
        return f"{template}; {escape(other['message'])}", hint, None
    tables = [format_path(p) for p in _index(conv).table_paths() if len(p) == 1]
    matches = close(name, tables, n=1, cutoff=0.6)
    if matches:
        return (
            template + f"; did you mean `[{matches[0]}]`?",
            f"rename it to `[{matches[0]}]`",
            FixSpec("rename", path, matches[0], certain=_free(conv, (), matches[0])),
        )
    return template, hint, None


def did_you_mean(conv: _Converter, path: Path, template: str, hint: str | None, fix: FixSpec | None) -> Suggestion:
    """An ignored key: the known key of this table it is closest to."""
    matches = close(str(path[-1]), _index(conv).child_keys(path[:-1]), n=1, cutoff=0.6)
    if matches:
        return (
            template + f"; did you mean `{matches[0]}`?",
            f"rename it to `{matches[0]}`",
            FixSpec("rename", path, matches[0], certain=_free(conv, path[:-1], matches[0])),
        )
    return template, hint, fix


def algorithm(conv: _Converter, path: Path, given: Any, template: str, hint: str | None) -> Suggestion:
    """An invalid `algorithm`: another release's algorithm, a misspelling, or a synonym."""
    other = other_release_value(conv, path, given)
    if other is not None:
        return f"{template}; {other}", hint, None
    algorithms = list(_index(conv).algorithms)
    choice = value(given, algorithms)
    if choice is None and isinstance(given, str) and given:
        synonym = SYNONYMS.get(given.strip().lower())
        choice = synonym if synonym in algorithms else None
    if choice is None:
        return template, hint, None
    shown = toml_value(choice)
    return template + f"; did you mean {shown}?", hint, FixSpec("replace-value", path, choice, certain=False)


def add_fix(conv: _Converter, table: Path, name: str) -> FixSpec | None:
    """The fix for a missing required key: a line (or table) to fill in. Never certain."""
    index = _index(conv)
    info = index.info((*table, name))
    if info is None:
        return None
    if info.is_table:
        lines = [f"[{format_path((*table, name))}]"]
        for child in index.required_children((*table, name)):
            snippet = _snippet(index, (*table, name, child))
            if snippet:
                lines.append(snippet)
        return FixSpec("add", table, "\n".join(lines) + "\n")
    snippet = _snippet(index, (*table, name))
    return FixSpec("add", table, snippet) if snippet else None


def _snippet(index: SchemaIndex, path: Path) -> str | None:
    info = index.info(path)
    if info is None:
        return None
    if path == ("model",):
        example: Any = index.default_model
    elif path == ("project",):
        example = "<project-uuid>"
    elif info.examples:
        example = info.examples[0]
    else:
        return None
    return f"{toml_text.toml_key(str(path[-1]))} = {toml_text.toml_value(example)}"
