"""The converter's modules import each other without a circle, and every import inside it resolves.

The import graph is read from the source with :mod:`ast`: every ``import`` and ``from ... import``
statement of every module of ``platformio_tinyml`` (at module level and inside functions alike: a
deferred import hides a circle, it does not remove it), relative or absolute. Importing
``a.b.c`` is an edge to ``a.b.c`` and to the packages ``a.b`` and ``a`` whose ``__init__`` Python runs
on the way, except the importer's own enclosing packages: Python has started those before the
importer's first line runs, so ``from .. import __version__`` never loads anything.

    python tests/test_imports.py [PACKAGE_DIR]   # prints the circles of any checkout, exit 1 if any
"""
from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "platformio_tinyml"


def module_files(pkg_dir: Path, pkg_name: str = PACKAGE) -> dict:
    """Dotted module name -> file, for every .py below ``pkg_dir`` (a package's name is its __init__)."""
    mods = {}
    for path in sorted(pkg_dir.rglob("*.py")):
        parts = list(path.relative_to(pkg_dir).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        mods[".".join([pkg_name, *parts])] = path
    return mods


def _ancestors(name: str) -> list:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def imported_names(name: str, path: Path) -> list:
    """(lineno, module, attribute) of each import in the file; module is absolute, attribute is the
    name taken from it by ``from module import attribute`` (None for ``import module``)."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name, None) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[:-(node.level - 1)]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            out.extend((node.lineno, base, a.name) for a in node.names)
    return out


def import_graph(pkg_dir: Path, pkg_name: str = PACKAGE) -> dict:
    """Module -> the set of the package's modules that importing it may load (see the docstring)."""
    mods = module_files(pkg_dir, pkg_name)
    graph = {m: set() for m in mods}
    for name, path in mods.items():
        own = set(_ancestors(name)) | {name}
        for _, module, attr in imported_names(name, path):
            target = f"{module}.{attr}" if attr and f"{module}.{attr}" in mods else module
            while target and target not in mods:  # `import a.b.c.func`-style: the module that holds it
                target = target.rpartition(".")[0]
            if not target:
                continue
            for t in (*_ancestors(target), target):
                if t in mods and t not in own:
                    graph[name].add(t)
    return graph


def circles(graph: dict) -> list:
    """The strongly connected components with more than one module (or a module importing itself),
    each sorted; Tarjan's algorithm, iterative."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        m = stack.pop()
                        on_stack.discard(m)
                        comp.append(m)
                        if m == node:
                            break
                    if len(comp) > 1 or node in graph[node]:
                        found.append(sorted(comp))
    return sorted(found)


def test_circles_are_found():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"a"}, "b": set()}) == [["a"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle():
    graph = import_graph(ROOT / PACKAGE)
    assert len(graph) > 20 and f"{PACKAGE}.api" in graph
    assert circles(graph) == []


def test_every_import_of_the_package_resolves():
    """Deferred imports run only when their function does; check each names a module or attribute."""
    missing = []
    for name, path in module_files(ROOT / PACKAGE).items():
        for lineno, module, attr in imported_names(name, path):
            if module != PACKAGE and not module.startswith(PACKAGE + "."):
                continue
            where = f"{path.relative_to(ROOT).as_posix()}:{lineno}"
            try:
                mod = importlib.import_module(module)
            except ImportError as e:
                missing.append(f"{where}: {module} ({e})")
                continue
            if attr and not hasattr(mod, attr):
                try:
                    importlib.import_module(f"{module}.{attr}")
                except ImportError:
                    missing.append(f"{where}: {module} has no {attr}")
    assert missing == []


def test_pyproject_lists_every_package():
    """setuptools installs only the packages pyproject.toml names, and their data (the templates)."""
    import tomllib
    with open(ROOT / "pyproject.toml", "rb") as f:
        tool = tomllib.load(f)["tool"]["setuptools"]
    on_disk = sorted(m for m, p in module_files(ROOT / PACKAGE).items() if p.name == "__init__.py")
    assert sorted(tool["packages"]) == on_disk
    for pkg, patterns in tool["package-data"].items():
        base = ROOT.joinpath(*pkg.split("."))
        assert all(list(base.glob(p)) for p in patterns), (pkg, patterns)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    pkg_dir = Path(argv[0]) if argv else ROOT / PACKAGE
    graph = import_graph(pkg_dir)
    found = circles(graph)
    print(f"{pkg_dir}: {len(graph)} modules, {sum(map(len, graph.values()))} import edges, "
          f"{len(found)} circle(s)")
    for comp in found:
        print(f"  {len(comp)} modules: " + ", ".join(m[len(PACKAGE) + 1:] or PACKAGE for m in comp))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
