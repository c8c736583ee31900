"""The layers, checked by reading the imports (``ast``) of every module under src/nytte.

``core`` sits at the bottom and imports no domain app; the pure cores (the economics engine,
the optimiser, text similarity) import neither Django nor any app; and no module imports a
private name (a leading underscore) from another module: what is shared is public.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
NYTTE = SRC / "nytte"
DOMAIN_APPS = (
    "portfolio",
    "benefits",
    "proposals",
    "costbenefit",
    "api",
    "governance",
    "optimise",
    "administration",
    "scenarios",
    "anchoring",
    "accounts",
)
PURE_CORES = ("economics", "optimise", "similarity")
APPS = ("core", *DOMAIN_APPS, *PURE_CORES)


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(line, imported module, names imported from it) for every import, relative ones
    resolved, including those inside functions and ``TYPE_CHECKING`` blocks."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield node.lineno, module, [alias.name for alias in node.names]


def modules_of(package: str) -> list[Path]:
    root = NYTTE / package
    return sorted(root.rglob("*.py")) if root.is_dir() else []


def offences(package: str, banned: tuple[str, ...]) -> list[str]:
    found = []
    for path in modules_of(package):
        for line, module, names in imports(path):
            # ``from nytte import portfolio`` names the app in the imported names.
            targets = [module] + [f"{module}.{n}" for n in names if module == "nytte"]
            for target in targets:
                if any(target == b or target.startswith(f"{b}.") for b in banned):
                    found.append(f"{path.relative_to(SRC)}:{line} imports {target}")
    return found


def test_core_imports_no_domain_app():
    assert offences("core", tuple(f"nytte.{app}" for app in DOMAIN_APPS)) == []


@pytest.mark.parametrize("package", PURE_CORES)
def test_pure_cores_import_neither_django_nor_an_app(package):
    banned = ("django", "ninja", *(f"nytte.{app}" for app in APPS if app != package))
    assert offences(package, banned) == []


def test_no_module_imports_a_private_name_from_another():
    found = []
    for path in sorted(NYTTE.rglob("*.py")):
        for line, module, names in imports(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and module.startswith("nytte"):
                found.append(f"{path.relative_to(SRC)}:{line} imports {private} from {module}")
    assert found == []


def test_the_check_sees_what_it_looks_for():
    """The checks above would catch an offence: relative imports resolve to the app."""
    module = NYTTE / "core" / "excel" / "views.py"
    resolved = {target for _line, target, _names in imports(module)}
    assert "nytte.core.excel.format" in resolved
    assert "nytte.core.models" in resolved


#: Modules allowed over the limit: data, not code (issue #12).
LONG_DATA_MODULES = ("similarity/lexicon.py", "similarity/themes.py")
MAX_LINES = 500


def test_no_module_is_over_500_lines():
    """Issue #12: small modules named for what they hold. Migrations, demo data
    (``demo.py``) and the similarity word lists are data, not code."""
    found = []
    for path in sorted(NYTTE.rglob("*.py")):
        relative = path.relative_to(NYTTE).as_posix()
        if "migrations" in path.parts or path.name == "demo.py" or relative in LONG_DATA_MODULES:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found.append(f"{path.relative_to(SRC)}: {lines} lines")
    assert not found, f"modules over {MAX_LINES} lines: " + ", ".join(found)
