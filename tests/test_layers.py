"""The packages' modules import one another in one direction only: no import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"flash_schema": ROOT / "flash_schema", "flash_schema_lsp": ROOT / "lsp" / "flash_schema_lsp"}


def modules() -> dict[str, Path]:
    out = {}
    for package, folder in PACKAGES.items():
        for file in sorted(folder.rglob("*.py")):
            parts = [package, *file.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = file
    return out


def import_graph() -> dict[str, set[str]]:
    """Which of our modules each module imports: anywhere in it, type-checking-only imports included."""
    found = modules()
    graph: dict[str, set[str]] = {name: set() for name in found}
    for name, file in found.items():
        package = name if file.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(file.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # a relative import
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
                # `from pkg import module` depends on the module; `from pkg import name` on pkg
                # itself (the package's __init__, a facade over its modules, is not a dependency
                # of the modules it is importing them for).
                submodules = [f"{base}.{alias.name}" for alias in node.names]
                targets = [t if t in found else base for t in submodules]
            graph[name].update(t for t in targets if t in found and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    """Each module can be read (and changed) knowing only the modules below it."""
    graph = import_graph()
    assert "flash_schema.document" in graph["flash_schema_lsp.features.hover"]  # the graph sees imports
    assert cycles(graph) == []


def test_the_document_layers_stay_in_order() -> None:
    """spans <- lexer <- _scan <- _recovery <- document: each imports only the layers before it."""
    graph = import_graph()
    layers = ["spans", "lexer", "_scan", "_recovery", "document"]
    for i, layer in enumerate(layers):
        later = {f"flash_schema.{name}" for name in layers[i + 1 :]}
        assert not graph[f"flash_schema.{layer}"] & later, layer
