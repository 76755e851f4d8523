"""The import graph under src/: no module imports itself back, by any path.

grimp (installed with import-linter) records every import statement, those
inside functions and under ``TYPE_CHECKING`` included, so a circle hidden in a
function body fails here as well.
"""

from __future__ import annotations

import grimp

PACKAGES = ("hwcore", "hwcli", "hwtui")


def import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every strongly connected set of two or more modules (Tarjan's algorithm), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            members = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.append(member)
                if member == module:
                    break
            if len(members) > 1:
                circles.append(sorted(members))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(circles)


def test_no_import_circle_under_src() -> None:
    graph = grimp.build_graph(*PACKAGES)
    assert import_circles(graph) == []


def test_the_check_finds_a_circle_inside_a_function() -> None:
    """The check can fail: an import added inside a function that closes a circle."""
    graph = grimp.build_graph(*PACKAGES)
    graph.add_import(
        importer="hwcore.application.eventstore.errors",
        imported="hwcore.application.app",
        line_number=1,
        line_contents="from hwcore.application.app import HwApplication",
    )
    circles = import_circles(graph)
    assert len(circles) == 1
    assert {"hwcore.application.app", "hwcore.application.eventstore.errors"} <= set(circles[0])
