"""Portable shadows of our custom keywords, so other tools catch most of what Flash rejects.

A custom ``x-flash-*`` keyword states a Flash rule exactly, but only flash-schema runs it:
check-jsonschema, tombi and taplo ignore it. Where plain JSON Schema can say a *looser* form of the
rule — one that rejects only configs Flash also rejects — this module writes it beside the keyword,
as an ``allOf`` entry marked ``"x-flash-portable": true``. flash-schema's own validator skips those
entries (the keyword already says it, with a better message); other tools evaluate them.

Each shadow must never reject what Flash accepts (``tests/test_portable.py`` checks every pattern
against the keyword it shadows, and the differential test checks whole configs against the real
parsers), so each is derived from the same data the keyword reads and errs on the side of passing:

- whitespace: where a pattern *accepts* it (what Flash trims), ``SPACE`` — ``\\s`` plus the few
  characters Python's ``str.strip()`` also removes, a superset in every engine; where it *rejects*
  on it (a blank pip entry), ``python_space()`` — exactly ``str.isspace()``'s characters;
- case-folded text (Flash lowercases GPU names and teacher aliases) matches every character whose
  ``str.lower()`` is the character in the alias, not just ASCII's two cases;
- a rule JSON Schema can say only in part keeps the part that is sound (``save_at_steps`` needs a
  positive ``max_steps``; that its last step is within ``max_steps`` compares two values, which it
  cannot).

Patterns are ECMA-262 as check-jsonschema runs them; tools whose regex engine has no look-around
(tombi and taplo use Rust's ``regex``) skip the few that need it, which only makes them looser.
"""

from __future__ import annotations

import functools
import itertools
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from flash_schema import keywords as kw
from flash_schema.keywords import structured

#: Marks an ``allOf`` entry as a portable shadow (our validator skips it).
MARK = kw.PORTABLE

#: The largest finite float: a number beyond it is not finite to Flash (``inf``, or an integer too
#: large for a float).  Written as the float every JSON reader parses, so an integer between it and
#: the rounding boundary (309 digits) is the one case the bound is stricter than Flash.
MAX_FLOAT = sys.float_info.max

#: Integers are exact in a float up to 2**53; above it only even ones (then multiples of 4...) are.
EXACT_INT = 2**53

#: Whitespace Flash trims, or more: ECMA-262's ``\s`` lacks U+001C-U+001F and U+0085, which
#: ``str.strip()`` removes (and has U+FEFF, which it keeps: that only makes a pattern looser).
SPACE_CHARS = "\\s\\x1c-\\x1f\\x85"
SPACE = f"[{SPACE_CHARS}]"

_SPECIAL = set("\\^$.|?*+()[]{}/")  # not "-": ECMA-262's unicode mode refuses `\\-` outside a class


def _escape(ch: str) -> str:
    """One literal character of a pattern (ECMA-262 and Python read it alike)."""
    if ch in _SPECIAL:
        return "\\" + ch
    if ch == "\t":
        return "\\t"
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"\\x{ord(ch):02x}"
    return ch


def _class_ranges(chars: Iterable[str]) -> str:
    """The body of a character class holding exactly ``chars`` (as ranges where they run)."""
    codes = sorted({ord(c) for c in chars})
    out = []
    for _, run in itertools.groupby(enumerate(codes), lambda p: p[1] - p[0]):
        block = [c for _, c in run]
        lo, hi = block[0], block[-1]
        out.append(_class_char(lo) if lo == hi else f"{_class_char(lo)}-{_class_char(hi)}")
    return "".join(out)


def _class_char(code: int) -> str:
    ch = chr(code)
    if ch in "\\]^-[":
        return "\\" + ch
    if code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
        return f"\\x{code:02x}"
    if (code > 0x7F and ch.isspace()) or code in (0x2028, 0x2029):
        return f"\\u{code:04x}"
    return ch


@functools.cache
def python_space() -> str:
    """Exactly the characters ``str.strip()`` and ``str.split()`` treat as whitespace (BMP and beyond)."""
    return "[" + _class_ranges(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) + "]"


@functools.cache
def _lowers() -> dict[str, frozenset[str]]:
    """For each character, every BMP character whose ``str.lower()`` is that one character."""
    found: dict[str, set[str]] = {}
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        low = ch.lower()
        if len(low) == 1:
            found.setdefault(low, set()).add(ch)
    return {k: frozenset(v) for k, v in found.items()}


def lower_of(text: str) -> str:
    """A pattern matching every string whose ``str.lower()`` is ``text`` (``text`` is lowercase)."""
    out = []
    for ch in text:
        chars = _lowers().get(ch, frozenset()) | {ch}
        out.append(_escape(ch) if len(chars) == 1 else "[" + _class_ranges(chars) + "]")
    return "".join(out)


def ascii_case(text: str) -> str:
    """A pattern matching ``text`` with its ASCII letters in either case: for names Flash
    upper-cases before comparing (secret and `[worker_env]` names). Where Flash lowercases a value
    (`algorithm`, GPU names), `lower_of` is the exact form."""
    return "".join(f"[{ch.upper()}{ch.lower()}]" if ch.isascii() and ch.isalpha() else _escape(ch) for ch in text)


def literal(text: str) -> str:
    return "".join(_escape(ch) for ch in text)


# -- identifiers ----------------------------------------------------------------------------------------


_SAFE = "A-Za-z0-9._\\-"
#: A part of a slug or GitHub name: safe characters, and not `.` or `..`.
_SAFE_PART = f"(?:\\.*[A-Za-z0-9_\\-][{_SAFE}]*|\\.{{3,}})"


def environment_id_pattern(parts: int) -> str:
    """``keywords.identifiers.is_environment_id`` as a pattern: exact for slugs and ``github:`` ids;
    for URLs exact in shape (host, segment counts, ``blob``/``tree``), looser in what it cannot
    decode (percent escapes).  Python's URL parser drops tabs and newlines anywhere, so any id
    holding one passes."""
    w = SPACE
    slug = "/".join([_SAFE_PART] * parts)
    seg_path = "(?:\\.*[^./\\\\][^/\\\\]*|\\.{3,})"
    path = f"{w}*(?:{seg_path}(?:[/\\\\]+{seg_path})*[/\\\\]*)?"
    github = f"github:{_SAFE_PART}/{_SAFE_PART}(?:@{_SAFE_PART})?(?::{path})?"
    seg = "(?:\\.*[^./?#][^/?#]*|\\.{3,})"
    # urllib also drops C0 controls and spaces before a URL, after str.strip() took the rest
    lead = f"[\\x00-\\x20{SPACE_CHARS}]"
    host = "[Hh][Tt][Tt][Pp][Ss]?://[Gg][Ii][Tt][Hh][Uu][Bb]\\.[Cc][Oo][Mm]"
    tail = "/*(?:;[^/?#]*)?(?:[?#][\\s\\S]*)?"
    url = f"{host}(?:/+{seg}){{2}}(?:/+(?:blob|tree)/+{seg}(?:/+{seg})+)?{tail}"
    return f"^(?:{w}*(?:{slug}|{github}){w}*|{lead}*{url}{w}*|[\\s\\S]*[\\t\\n\\r][\\s\\S]*)$"


def uuid_pattern() -> str:
    """Python's ``uuid.UUID(text.strip())``: 32 characters ``int(…, 16)`` can read, once `urn:`,
    `uuid:`, hyphens and the outer braces are dropped.  Looser: any non-ASCII character counts as a
    digit, and braces and the letters of `urn:`/`uuid:` may stand anywhere.  (A `d` before `:` is
    always dropped in a valid id: the `:` can only go as the end of a `uuid:`.  Reading it so keeps
    the pattern unambiguous, so it never backtracks much.)"""
    w = SPACE
    ignored = "(?:[\\-{}:urin]|d(?=:))"
    digit = f"(?:[0-9A-Fa-ce-f_+xX{SPACE_CHARS}]|d(?!:)|[^\\x00-\\x7f])"
    return f"^{w}*(?:{ignored}*{digit}){{32}}{ignored}*{w}*$"


def pip_entry_pattern() -> str:
    """``keywords.identifiers.pip_entry``: non-blank, not an option, no credentials or query in a URL."""
    p = python_space()
    return f"^(?!{p}*$)(?!{p}*-)(?![\\s\\S]*://[^/@{SPACE_CHARS}]+@)(?![\\s\\S]*://[\\s\\S]*\\?)"


def _folded(names: Iterable[str]) -> str:
    return "|".join(lower_of(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


def gpu_pattern(aliases: Mapping[str, str], classes: Sequence[str]) -> str:
    """``keywords.identifiers.gpu_class``: blank, or an alias of an active class (trimmed, any case)."""
    active = [alias for alias, canonical in aliases.items() if canonical in classes]
    return f"^{SPACE}*(?:{_folded(active)})?{SPACE}*$"


def teacher_pattern(aliases: Sequence[str], model_ids: Sequence[str]) -> str:
    """``keywords.identifiers.teacher``: blank, a model id (trimmed), or an alias once lowercased
    with runs of whitespace, `_` and `-` read as one `-` (at the ends too)."""
    sep = f"[_\\-{SPACE_CHARS}]"
    folded = [f"{sep}*" + f"{sep}+".join(lower_of(t) for t in alias.split("-")) + f"{sep}*" for alias in aliases]
    ids = "|".join(literal(i) for i in model_ids)
    branches = [f"{SPACE}*", *folded] + ([f"{SPACE}*(?:{ids}){SPACE}*"] if ids else [])
    return "^(?:" + "|".join(branches) + ")$"


# -- shapes -----------------------------------------------------------------------------------------------


def _any_required(names: Iterable[str]) -> dict[str, Any]:
    return {"anyOf": [{"required": [n]} for n in names]}


def structured_outputs_shape() -> dict[str, Any]:
    """``keywords.structured``: every rejection a shape can state (the string forms' JSON aside)."""
    p = python_space()
    w = SPACE
    json_text = "^[ \\t\\n\\r]*\\{[\\s\\S]*\\}[ \\t\\n\\r]*$"
    string_form = f"^{w}*(?:{lower_of('none')}|{lower_of('json_object')}|{lower_of('json')}|\\{{[\\s\\S]*\\}})?{w}*$"
    groups: dict[str, list[str]] = {c: [c] for c in structured.CONSTRAINTS}
    for alias, target in structured.ALIASES.items():
        groups[target].append(alias)
    every = [name for names in groups.values() for name in names]
    shapes: dict[str, Any] = {}
    for name in groups["json"]:
        shapes[name] = {"type": ["object", "string"], "pattern": json_text}
    for name in groups["choice"]:
        shapes[name] = {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}
    shapes["regex"] = {"type": "string", "pattern": "[^" + p[1:-1] + "]"}
    shapes["json_object"] = {"const": True}
    for option in structured.OPTIONS:
        shapes[option] = {"type": "string", "minLength": 1} if option == "whitespace_pattern" else {"type": "boolean"}
    twice = [list(pair) for names in groups.values() for pair in itertools.combinations(names, 2)]
    two_constraints = [
        {"allOf": [_any_required(a), _any_required(b)]} for a, b in itertools.combinations(groups.values(), 2)
    ]
    table_rules = [
        {"not": _any_required(structured.REMOVED)},
        *({"not": {"required": pair}} for pair in twice),
        {"if": {"not": _any_required(every)}, "then": {"not": _any_required(structured.OPTIONS)}},
        {
            "if": _any_required(every),
            "then": {
                "propertyNames": {"enum": [*every, *structured.OPTIONS]},
                "not": {"anyOf": two_constraints},
                "properties": shapes,
            },
        },
    ]
    return {
        "not": {"const": True},
        "pattern": string_form,
        # `required` holds for anything but a table, so the table rules are asked of tables only
        "if": {"type": "object"},
        "then": {"allOf": table_rules},
    }


def prompt_budget(value: Mapping[str, Any]) -> dict[str, Any]:
    """``keywords.training.prompt_budget`` without ``max_completion_tokens``: the context must exceed
    the algorithm's default completion (its thinking default with ``thinking = true``)."""

    def budget(completion: int) -> dict[str, Any]:
        return {
            "properties": {
                "train": {
                    "if": {"not": {"required": ["max_completion_tokens"]}},
                    "then": {"properties": {"max_context_tokens": {"exclusiveMinimum": completion}}},
                }
            }
        }

    return {
        "if": {"properties": {"thinking": {"const": True}}, "required": ["thinking"]},
        "then": budget(int(value["thinking"])),
        "else": budget(int(value["completion"])),
    }


def save_at_steps() -> dict[str, Any]:
    """``keywords.training.save_at_steps``: non-empty steps need a positive `max_steps`, no repeats."""
    return {
        "if": {"properties": {"save_at_steps": {"type": "array", "minItems": 1}}, "required": ["save_at_steps"]},
        "then": {
            "required": ["max_steps"],
            "properties": {"max_steps": {"minimum": 1}, "save_at_steps": {"uniqueItems": True}},
        },
    }


def float_exact() -> list[dict[str, Any]]:
    """``x-flash-float-exact``: beyond 2**53 a float holds only even integers (and none past the
    largest float)."""
    return [
        {"maximum": MAX_FLOAT, "minimum": -MAX_FLOAT},
        {"if": {"minimum": EXACT_INT + 1}, "then": {"multipleOf": 2}},
        {"if": {"maximum": -EXACT_INT - 1}, "then": {"multipleOf": 2}},
    ]


def gpu_pairing(value: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``keywords.identifiers.gpu_pairing``: a known provider that does not offer the pinned class."""
    aliases: Mapping[str, str] = value.get("aliases", {})
    providers: Mapping[str, Sequence[str]] = value.get("providers", {})
    every = sorted({name for names in providers.values() for name in names})
    w = python_space()  # both patterns decide a rejection: exactly what str.strip() trims
    out = []
    for canonical, offered in providers.items():
        names = [a for a, c in aliases.items() if c == canonical]
        others = [x for x in every if x not in offered]
        if not names or not others:
            continue
        out.append(
            {
                "if": {
                    "properties": {"exact_type": {"type": "string", "pattern": f"^{w}*(?:{_folded(names)}){w}*$"}},
                    "required": ["exact_type"],
                },
                "then": {
                    "properties": {
                        "provider": {"not": {"type": "string", "pattern": f"^{w}*(?:{_folded(others)}){w}*$"}}
                    }
                },
            }
        )
    return out


# -- the pass over a built schema ---------------------------------------------------------------------------


def shadows(node: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The portable shadows of the custom keywords on one subschema."""
    out: list[dict[str, Any]] = []
    if node.get(kw.FINITE):
        out.append({"maximum": MAX_FLOAT, "minimum": -MAX_FLOAT})
    if node.get(kw.FLOAT_EXACT):
        out.extend(float_exact())
    if node.get(kw.UUID):
        out.append({"type": "string", "pattern": uuid_pattern()})
    if node.get(kw.PIP_ENTRY):
        out.append({"pattern": pip_entry_pattern()})
    teacher = node.get(kw.TEACHER)
    if isinstance(teacher, Mapping):
        out.append({"pattern": teacher_pattern(teacher.get("aliases", []), teacher.get("model_ids", []))})
    gpu = node.get(kw.GPU_CLASS)
    if isinstance(gpu, Mapping):
        pattern = gpu_pattern(gpu.get("aliases", {}), gpu.get("classes", []))
        out.append({"pattern": pattern, "items": {"pattern": pattern}})
    pairing = node.get(kw.GPU_PAIRING)
    if isinstance(pairing, Mapping):
        out.extend(gpu_pairing(pairing))
    if node.get(kw.STRUCTURED_OUTPUTS):
        out.append(structured_outputs_shape())
    budget = node.get(kw.PROMPT_BUDGET)
    if isinstance(budget, Mapping):
        out.append(prompt_budget(budget))
    if node.get(kw.SAVE_AT_STEPS):
        out.append(save_at_steps())
    return out


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key != kw.LINT and not key.startswith(kw.PREFIX):
                yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def add_shadows(schema: dict[str, Any]) -> None:
    """Append every subschema's portable shadows to its ``allOf`` (in place)."""
    for node in list(_walk(schema)):
        found = shadows(node)
        if found:
            node.setdefault("allOf", []).extend({MARK: True, **s} for s in found)
