"""The layers point one way (README, "Layout"): each module imports only from its own layer
and the ones below it, never from above.

    foundation  edoc.errors, edoc.files, edoc.timezone, edoc.floor, edoc.fonts,
                edoc.untrusted, edoc.bilingual (and ``edoc`` itself: only its version)
    signing     signing.*
    core        the rest of edoc.*
    web         web.*
    cli         cli, commands.*
    demo        demo.*, and commands.demo: ``edoc demo`` is the demo's face on the command
                line (the root group names it in ``cli.COMMANDS`` and loads it when run)

Every import counts, those inside functions and under ``TYPE_CHECKING`` too: a function
that imports from above is as much a climb as a module that does.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOUNDATION = (
    "edoc.errors", "edoc.files", "edoc.timezone", "edoc.floor", "edoc.fonts", "edoc.untrusted",
    "edoc.bilingual",
)  # fmt: skip
LAYERS = ("foundation", "signing", "core", "web", "cli", "demo")


def layer(module: str) -> str | None:
    """The layer of ``module``, or None for a module of no layer (the standard library,
    third-party packages, the test fixtures)."""
    if module == "edoc" or any(module == f or module.startswith(f + ".") for f in FOUNDATION):
        return "foundation"
    if module == "commands.demo":
        return "demo"
    top = module.split(".")[0]
    return {"signing": "signing", "edoc": "core", "web": "web", "cli": "cli",
            "commands": "cli", "demo": "demo"}.get(top)  # fmt: skip


def is_module(name: str) -> bool:
    """Whether the dotted ``name`` is a module or package of this repository."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it; ``from package import module`` names
    the module."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if is_module(full) else base)
    return found


def sources() -> list[Path]:
    paths = [ROOT / "cli.py"]
    for package in ("signing", "edoc", "web", "commands", "demo"):
        paths += sorted((ROOT / package).rglob("*.py"))
    return paths


def test_every_layer_has_modules():
    assert {layer(module_name(path)) for path in sources()} == set(LAYERS)


@pytest.mark.parametrize("path", sources(), ids=lambda path: module_name(path))
def test_a_module_imports_nothing_from_a_layer_above_its_own(path):
    importer = module_name(path)
    own = LAYERS.index(layer(importer))
    climbs = [
        f"{importer} ({LAYERS[own]}) imports {module} ({layer(module)})"
        for module in sorted(imported(path))
        if layer(module) is not None and LAYERS.index(layer(module)) > own
    ]
    assert not climbs, "a layer imports from above it:\n" + "\n".join(climbs)
