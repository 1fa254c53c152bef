"""The dependency direction of shared/STYLE.md §7: budget → placements → socialtjanst → common, never back;
config (settings, root urls, Celery) is the only package that imports the apps.
Walks the source with `ast`, so an import inside a function counts as much as one at the top."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package → packages it must never import
FORBIDDEN = {
    "common": {"socialtjanst", "placements", "budget", "config"},  # the plumbing sits below every app
    "socialtjanst": {"placements", "budget", "config"},
    "placements": {"budget", "config"},
    "budget": {"config"},  # only the project package sees all three apps
}


def _imported_packages(path: Path, package: str) -> set[tuple[str, int]]:
    """Top-level packages imported by the module at `path` (relative imports resolved inside `package`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.add((node.module.split(".")[0], node.lineno))
            # A relative import stays inside `package` (it cannot climb above the top-level package).
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
                "import_module", "__import__"} and node.args and isinstance(node.args[0], ast.Constant):
            found.add((str(node.args[0].value).split(".")[0], node.lineno))
    return found


def _violations(package: str) -> list[str]:
    forbidden = FORBIDDEN[package]
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for imported, line in _imported_packages(path, package):
            if imported in forbidden:
                out.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_wrong_way_imports(package):
    assert _violations(package) == []


def test_the_walker_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from budget.models import Budget\n    import placements.days\n")
    assert _imported_packages(module, "socialtjanst") == {("budget", 2), ("placements", 3)}
