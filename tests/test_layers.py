"""Layering: services never know about GraphQL or HTTP; the API never touches the ORM."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "cms"
RULES = {
    "services": ("strawberry", "starlette", "graphql", "uvicorn"),
    "models": ("strawberry", "starlette", "graphql", "cms.services", "cms.api"),
    "api": ("tortoise", "starlette", "uvicorn"),
    "http": ("tortoise",),
    "ingest": ("strawberry", "starlette", "graphql"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(("layer", "forbidden"), RULES.items())
def test_layer_imports(layer: str, forbidden: tuple[str, ...]) -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in forbidden or module.startswith(forbidden)
    ]
    assert offenders == []


def test_only_the_composition_roots_read_the_environment() -> None:
    readers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "os.environ" in path.read_text(encoding="utf-8")
    )
    assert readers == ["settings.py"]
