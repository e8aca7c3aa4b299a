"""The package map of docs/architecture.md holds: patients imports recommendations, never the
reverse, each patient feature's page reaches its result through the feature's service, and no
page imports an API module."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def package_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])


def module_of(node: ast.ImportFrom, package: str) -> str:
    """Return the absolute name of the module a `from ... import` reads (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, node.module or ""]).strip(".")


def imported_modules(path: Path) -> set[str]:
    """Return the absolute names of the modules a file imports (relative ones resolved)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(module_of(node, package_of(path)))
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


OUR_PACKAGES = ("nkr", "recommendations", "patients", "tests")


def test_no_module_imports_another_modules_private_name():
    # A name another module uses is part of its module's interface, and says so by its name.
    private = {
        f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
        for package in OUR_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (node.level or (node.module or "").startswith(OUR_PACKAGES))
        for alias in node.names
        if alias.name.startswith("_") and alias.name != "_"
    }
    assert private == set()


def imported_names(path: Path) -> set[str]:
    """Return what a file imports as dotted names: its modules, and `module.name` for each name
    taken from a module (so `from tests.patients import test_intake` counts as that module)."""
    names = imported_modules(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = module_of(node, package_of(path))
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def enclosing_test_module(name: str) -> str | None:
    """Return the test module (pytest's `test_*.py`) a dotted name is or is inside, if any."""
    parts = name.split(".")
    starts = [i for i, part in enumerate(parts) if part.startswith("test_")]
    return ".".join(parts[: starts[0] + 1]) if starts else None


def test_no_test_module_imports_another_test_module():
    # What two test modules share lives in a helper module named for what it holds (pytest
    # collects only test_*.py), so a test module can be renamed, split or removed on its own.
    modules = sorted((ROOT / "tests").rglob("test_*.py"))
    assert ROOT / "tests" / "test_architecture.py" in modules  # the rule finds the test modules
    imports = {
        str(path.relative_to(ROOT)): sorted(
            {enclosing_test_module(n) for n in imported_names(path)} - {None}
        )
        for path in modules
    }
    assert {path: names for path, names in imports.items() if names} == {}
