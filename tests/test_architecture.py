"""The package map of docs/architecture.md holds: patients imports recommendations, never the
reverse, and each patient feature's page reaches its result through the feature's service."""

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
