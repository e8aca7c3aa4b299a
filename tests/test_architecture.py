"""The package map of docs/architecture.md holds: patients imports recommendations, never the
reverse, each patient feature's page reaches its result through the feature's service, and no
page imports an API module."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    """Return the absolute names of the modules a file imports (relative ones resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = ".".join([*base, node.module or ""] if node.level else [node.module or ""])
            names.add(module.strip("."))
    return names


def test_recommendations_never_imports_patients():
    reverse = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.startswith("patients")
        )
        for path in (ROOT / "recommendations").rglob("*.py")
    }
    assert {path: modules for path, modules in reverse.items() if modules} == {}


def test_the_patient_pages_import_no_api_module():
    for feature in ("intake", "opioids"):
        modules = imported_modules(ROOT / "patients" / feature / "views.py")
        assert f"patients.{feature}.api" not in modules
        assert f"patients.{feature}.services" in modules


# How a module renders a page: Django's template shortcuts and responses.
PAGE_RENDERING = {"django.shortcuts", "django.template.response", "django.template.loader"}


def is_api_module(module: str) -> bool:
    """Return whether a dotted module name is part of an API (`x.api`, `x.api.y`, `x.api_urls`)."""
    return any(part == "api" or part.startswith("api_") for part in module.split("."))


def page_modules() -> list[Path]:
    """Return the modules outside the APIs that render HTML pages."""
    return [
        path
        for package in ("recommendations", "patients")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        and not is_api_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        and imported_modules(path) & PAGE_RENDERING
    ]


def test_no_page_imports_an_api_module():
    pages = page_modules()
    assert ROOT / "patients" / "intake" / "views.py" in pages  # the rule finds the pages
    assert ROOT / "recommendations" / "views.py" in pages
    imports = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if is_api_module(m))
        for path in pages
    }
    assert {path: modules for path, modules in imports.items() if modules} == {}


def test_no_patients_module_imports_another_modules_private_name():
    # A name another module uses is part of its module's interface, and says so by its name.
    private = {
        f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
        for folder in (ROOT / "patients", ROOT / "tests" / "patients")
        for path in folder.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (node.level or (node.module or "").startswith("patients"))
        for alias in node.names
        if alias.name.startswith("_") and alias.name != "_"
    }
    assert private == set()
