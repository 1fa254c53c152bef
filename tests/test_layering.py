"""The layering README promises (issue 18 point 4): views import services, never the other way.

- No module outside the web layer imports a view module.
- No module outside the web layer raises or imports an HTTP exception (Http404, get_object_or_404):
  domain code raises common.errors.NotFound and the web layer answers 404.
- No import circle between the project's modules, counting imports inside functions too (a lazy
  import hides a circle from Python, not from a reader).

Walks the source with `ast`; the helpers are tested on small made-up trees so a broken walker cannot
make the real checks pass."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("common", "config", "socialtjanst", "placements", "budget")
HTTP_EXCEPTIONS = {"Http404", "get_object_or_404", "get_list_or_404"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    modules = {}
    for package in packages:
        for path in (root / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path, root)] = path
    return modules


def is_view_module(name: str) -> bool:
    return "views" in name.split(".")


def is_web_layer(name: str) -> bool:
    """Views, URL confs, middleware and the admin: the code that speaks HTTP."""
    last = name.rsplit(".", 1)[-1]
    return (is_view_module(name) or last.startswith("urls") or last.startswith("middleware")
            or last.endswith("_middleware") or last == "admin")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports, relative imports resolved, `from pkg import mod` seen as mod."""
    found = set()
    for node in _imports(path):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                parts = name.split(".")
                if path.name != "__init__.py":
                    parts = parts[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            candidates = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                          for alias in node.names]
        for candidate in candidates:
            while candidate and candidate not in modules:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                found.add(candidate)
    return found


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
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
                    work.append((child, iter(sorted(graph.get(child, ())))))
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


def http_exception_uses(path: Path) -> list[str]:
    uses = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module in {"django.http", "django.shortcuts"}:
            uses += [f"{node.lineno}: imports {a.name}" for a in node.names if a.name in HTTP_EXCEPTIONS]
        elif isinstance(node, ast.Attribute) and node.attr in HTTP_EXCEPTIONS:
            uses.append(f"{node.lineno}: uses {node.attr}")
    return uses


# ---- the real tree -------------------------------------------------------------------------------

MODULES = project_modules(ROOT)
GRAPH = import_graph(MODULES)


def test_no_module_outside_the_views_imports_a_view_module():
    offenders = [f"{name} imports {target}" for name, targets in sorted(GRAPH.items())
                 if not is_web_layer(name) for target in sorted(targets) if is_view_module(target)]
    assert offenders == []


def test_no_service_raises_an_http_exception():
    offenders = [f"{name}:{use}" for name, path in sorted(MODULES.items()) if not is_web_layer(name)
                 for use in http_exception_uses(path)]
    assert offenders == []


def test_no_import_circles():
    assert circles(GRAPH) == []


def test_the_walk_sees_the_whole_tree():
    # A walker that found nothing would pass every check above.
    assert {"socialtjanst.services", "placements.services.placements", "budget.closing",
            "socialtjanst.views.cases"} <= set(MODULES)
    assert "budget.forecast" in GRAPH["budget.closing"]
    assert "socialtjanst.access" in GRAPH["socialtjanst.audit"]


# ---- the walker itself, on made-up trees ---------------------------------------------------------

def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return project_modules(tmp_path, packages=("app",))


def test_a_circle_through_a_lazy_import_is_found(tmp_path):
    modules = _tree(tmp_path, {
        "app/__init__.py": "",
        "app/closing.py": "from . import forecast\n",
        "app/forecast.py": "def f():\n    from .closing import latest\n",
        "app/other.py": "from app import forecast\n",
    })
    assert circles(import_graph(modules)) == [["app.closing", "app.forecast"]]


def test_a_domain_module_importing_a_view_is_found(tmp_path):
    modules = _tree(tmp_path, {
        "app/__init__.py": "", "app/views/__init__.py": "", "app/views/reports.py": "MONTHS = []\n",
        "app/closing.py": "from app.views.reports import MONTHS\n",
        "app/urls.py": "from .views import reports\n",
    })
    graph = import_graph(modules)
    assert graph["app.closing"] == {"app.views.reports"}
    assert [n for n, t in graph.items() if not is_web_layer(n) and any(map(is_view_module, t))] == ["app.closing"]


@pytest.mark.parametrize("source, expected", [
    ("from django.http import Http404\n", ["1: imports Http404"]),
    ("from django.shortcuts import get_object_or_404, render\n", ["1: imports get_object_or_404"]),
    ("import django.http\n\ndef f():\n    raise django.http.Http404\n", ["4: uses Http404"]),
    ("from django.http import HttpResponse\n", []),
])
def test_http_exceptions_are_found(tmp_path, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source)
    assert http_exception_uses(path) == expected
