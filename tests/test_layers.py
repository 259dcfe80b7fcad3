"""Layering, as docs/architecture.md draws it: a wrong import fails here.

    http ─> api ─> services ─> models ─> the database
    article_format: the pure text format, knowing nothing of the CMS

Imports under `if TYPE_CHECKING:` are annotations only and are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "cms"
WEB = ("strawberry", "starlette", "graphql", "uvicorn")
RULES = {
    # Rules, visibility and transactions: nothing of GraphQL, HTTP or the commands.
    "services": (*WEB, "cms.api", "cms.http", "cms.commands", "cms.cli", "cms.runtime"),
    "models": (*WEB, "cms.services", "cms.api", "cms.http"),
    # Resolvers call services: never the ORM, the models or the database's lifecycle.
    "api": (
        "tortoise",
        "starlette",
        "uvicorn",
        "cms.models",
        "cms.db.lifecycle",
        "cms.db.config",
        "cms.db.backends",
        "cms.db.migrations",
        "cms.article_format",
        "cms.commands",
    ),
    "http": ("tortoise", "cms.models", "cms.commands"),
}
# The article format is pure: the standard library and itself, nothing else.
FORMAT = "article_format"


def _type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(path: Path, package: Path = PACKAGE) -> set[str]:
    """Modules a file imports at run time (relative imports resolved within cms)."""
    names: set[str] = set()
    parts = path.relative_to(package.parent).with_suffix("").parts

    def visit(node: ast.AST) -> None:
        if _type_checking(node):
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(parts[: len(parts) - node.level]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names.add(module)
            if node.module is None or module == "cms":
                names.update(f"{module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return names


def _offenders(layer: str, forbidden: tuple[str, ...], package: Path = PACKAGE) -> list[str]:
    return [
        f"{path.relative_to(package)} imports {module}"
        for path in sorted((package / layer).rglob("*.py"))
        for module in sorted(imported_modules(path, package))
        if any(module == name or module.startswith(name + ".") for name in forbidden)
    ]


@pytest.mark.parametrize(("layer", "forbidden"), RULES.items())
def test_layer_imports(layer: str, forbidden: tuple[str, ...]) -> None:
    assert _offenders(layer, forbidden) == []


def test_the_article_format_imports_nothing_of_the_cms_nor_any_library() -> None:
    import sys

    outside = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in sorted((PACKAGE / FORMAT).rglob("*.py"))
        for module in sorted(imported_modules(path))
        if not module.startswith(f"cms.{FORMAT}")
        and module.split(".")[0] not in sys.stdlib_module_names
        and module != "__future__"
    ]
    assert outside == []


def test_a_wrong_import_is_caught_relative_or_not_but_not_for_annotations(
    tmp_path: Path,
) -> None:
    (tmp_path / "cms" / "services").mkdir(parents=True)
    (tmp_path / "cms" / "services" / "probe.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from ..api import context\n"
        "from cms import http\n"
        "if TYPE_CHECKING:\n    import strawberry\n",
        encoding="utf-8",
    )

    assert _offenders("services", RULES["services"], tmp_path / "cms") == [
        "services/probe.py imports cms.api",
        "services/probe.py imports cms.http",
    ]


def test_only_the_composition_roots_read_the_environment() -> None:
    readers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "os.environ" in path.read_text(encoding="utf-8")
    )
    assert readers == ["settings.py"]
