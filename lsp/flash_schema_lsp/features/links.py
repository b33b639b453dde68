"""Document links: the model's page, the environment's source file, the schema a directive names.

- ``model = "Qwen/Qwen3.5-9B"`` links to ``https://huggingface.co/Qwen/Qwen3.5-9B``;
- an ``[environment] id`` that is a GitHub reference (``github:owner/repo[@ref][:path]``, or a
  ``https://github.com/owner/repo[/blob|tree/...]`` URL) links to the file Flash loads, resolved as
  Flash resolves it (ref ``main`` and ``environment.py`` by default; a ``tree`` directory's
  ``environment.py``); a managed ``org/project/name`` id has no public page and no link;
- a ``#:schema`` directive links to the schema: a URL as is, a path relative to the document.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from flash_schema.detect import schema_directive_span
from flash_schema.document import Document, Span
from flash_schema.keywords.identifiers import is_environment_id

_MODEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+")
_DEFAULT_REF = "main"
_DEFAULT_PATH = "environment.py"


@dataclass(frozen=True, slots=True)
class Link:
    """A link over ``span`` (a string's text, without its quotes) to ``target``."""

    span: Span
    target: str
    tooltip: str


def _env_path(path: str) -> str:
    """Flash's environment path, normalised: ``environment.py`` when empty."""
    return "/".join(p for p in path.strip().replace("\\", "/").split("/") if p) or _DEFAULT_PATH


def github_file(environment_id: str) -> str | None:
    """The GitHub page of the file a GitHub environment id loads, resolved as Flash resolves it.

    Which ids Flash accepts is the core's rule (``is_environment_id``, Flash's
    ``_parse_github_environment_ref``); a managed ``owner/name`` slug has no ``:`` and no page.
    """
    text = environment_id.strip()
    if ":" not in text or not is_environment_id(text):
        return None
    if text.startswith("github:"):
        repo_ref, _, raw_path = text[len("github:") :].partition(":")
        repo, at, ref = repo_ref.partition("@")
        owner, name = repo.split("/")
        ref, path = ref if at else _DEFAULT_REF, _env_path(raw_path)
    else:  # https://github.com/owner/repo[.git], or .../blob|tree/ref/path (all the core accepts)
        parts = [urllib.parse.unquote(p) for p in urllib.parse.urlparse(text).path.strip("/").split("/") if p]
        owner, name = parts[0], parts[1].removesuffix(".git")
        if len(parts) == 2:
            ref, path = _DEFAULT_REF, _DEFAULT_PATH
        else:
            ref, path = parts[3], _env_path("/".join(parts[4:]))
            if parts[2] == "tree" and not path.endswith(".py"):
                path = f"{path}/{_DEFAULT_PATH}"
    quoted = "/".join(urllib.parse.quote(p) for p in path.split("/"))
    return f"https://github.com/{owner}/{name}/blob/{urllib.parse.quote(ref)}/{quoted}"


def _string_text(doc: Document, span: Span) -> Span:
    """The text of a one-line string value, inside its quotes."""
    source = doc.text[span.start : span.end]
    quote = source[:3] if source[:3] in ('"""', "'''") else source[:1]
    if quote and source.endswith(quote) and len(source) >= 2 * len(quote):
        return Span(span.start + len(quote), span.end - len(quote))
    return span


def _value_link(doc: Document, path: tuple[str, ...], target: str | None, tooltip: str) -> list[Link]:
    node = doc.node(path)
    if target is None or node is None or node.value is None:
        return []
    return [Link(_string_text(doc, node.value), target, tooltip)]


def _schema_link(doc: Document, base: str | None) -> list[Link]:
    found = schema_directive_span(doc.text)
    if found is None:
        return []
    value = doc.text[found[0] : found[1]]
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value):
        target = value
    elif base is not None and base.startswith("file:"):
        target = urllib.parse.urljoin(base, urllib.parse.quote(value.replace("\\", "/")))
    else:
        return []
    return [Link(Span(*found), target, "the schema this file names")]


def document_links(doc: Document, base: str | None = None) -> list[Link]:
    """The links of ``doc``; ``base`` is its URI (relative `#:schema` paths resolve against it)."""
    links = _schema_link(doc, base)
    model = doc.data.get("model")
    if isinstance(model, str) and _MODEL.fullmatch(model):
        links += _value_link(doc, ("model",), f"https://huggingface.co/{model}", "the model's page on Hugging Face")
    environment = doc.data.get("environment")
    env_id = environment.get("id") if isinstance(environment, dict) else None
    if isinstance(env_id, str):
        links += _value_link(doc, ("environment", "id"), github_file(env_id), "the environment's source on GitHub")
    return sorted(links, key=lambda link: link.span.start)
