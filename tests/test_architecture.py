"""The seams the code is built on, checked on the source itself (see docs/architecture.md).

* ``app.py`` only sets up pages; each page is a module under ``ui/pages/``.
* The verdict labels are spelled out in ``verifier/labels.py`` alone.
* Imports run one way: entry points (``verifier/cli.py``, ``verifier/__main__.py``, ``app.py``,
  ``ui/``) -> core (``verifier/``) -> ``index/``; the core has no import cycle.
* Pages render read models, never ORM rows; only the pipeline chains the steps.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from verifier.labels import Label

ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINTS = {"verifier.cli", "verifier.__main__"}


def modules(*folders: str) -> Iterator[tuple[str, Path]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of the file (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def core() -> dict[str, Path]:
    return {name: path for name, path in modules("verifier") if name not in ENTRY_POINTS}


def test_app_py_only_declares_the_pages() -> None:
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) < 40
    assert "st.navigation" in source
    pages = sorted(p.name for p in (ROOT / "ui" / "pages").glob("*.py") if p.stem != "__init__")
    for page in pages:
        assert f"ui/pages/{page}" in source, page


def test_verdict_label_strings_live_in_one_module() -> None:
    words = {label.value for label in Label}
    places = []
    for name, path in [*modules("verifier", "ui", "index", "benchmarks"), ("app", ROOT / "app.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in words:
                places.append(name)
    assert set(places) == {"verifier.labels"}, places


def test_the_core_never_imports_an_entry_point() -> None:
    for name, path in core().items():
        wrong = {
            imported
            for imported in imports(path)
            if imported in ENTRY_POINTS
            or imported.split(".")[0] in {"app", "ui", "streamlit", "click"}
        }
        assert not wrong, f"{name} imports {wrong}"


def test_index_is_free_of_verifier() -> None:
    for name, path in modules("index"):
        assert not {i for i in imports(path) if i.split(".")[0] == "verifier"}, name


def test_the_core_has_no_import_cycle() -> None:
    modules_of_core = core()
    graph = {
        name: {i for i in imports(path) if i in modules_of_core and i != name}
        for name, path in modules_of_core.items()
    }
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            cycle = trail[trail.index(name) :] + (name,)
            raise AssertionError(" -> ".join(cycle))
        if name in done:
            return
        for target in graph[name]:
            if not name.startswith(target + "."):  # a module importing its own package is fine
                visit(target, (*trail, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_pages_get_read_models_not_orm_rows() -> None:
    for name, path in [*modules("ui"), ("app", ROOT / "app.py")]:
        orm = {i for i in imports(path) if i.startswith(("verifier.db", "sqlalchemy"))}
        assert not orm, f"{name} imports {orm}"


def test_only_the_pipeline_chains_the_steps() -> None:
    steps = {
        "verifier.claims.extract_claims",
        "verifier.articles.store_article",
        "verifier.articles.read_article",
        "verifier.match.score_texts",
        "verifier.match.store_suggestions",
        "verifier.sources.read_sources",
        "verifier.readers.read_claims",
        "verifier.export.write_records",
    }
    callers = {
        name: imports(path) & steps
        for name, path in [*modules("verifier", "ui"), ("app", ROOT / "app.py")]
    }
    assert {name for name, used in callers.items() if used} == {"verifier.pipeline"}
