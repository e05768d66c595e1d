"""No import cycle between the schema and the resolvers (issue 23): each domain's schema part
(schema/<domain>.py) binds resolvers to types, resolvers build types, and nothing imports back
up that chain, lazily inside a function either. Imports under TYPE_CHECKING (annotations only)
are left out. The import contracts in pyproject.toml ([tool.importlinter], `lint-imports` in
`make lint`) state the layers; this test finds any cycle at all through the two packages."""

from __future__ import annotations

import grimp

LAYERS = ("unionhub.schema", "unionhub.resolvers")


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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
                    found.append(sorted(component))
    return found


def test_no_import_cycle_through_schema_or_resolvers():
    graph = grimp.build_graph("unionhub", exclude_type_checking_imports=True)
    through = [c for c in _cycles(graph) if any(m.startswith(LAYERS) for m in c)]
    assert through == [], through
