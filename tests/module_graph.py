"""A package's import graph read from its source, imports inside functions included: what
the layering tests (tests/engine/test_layering.py, tests/nn/test_nn_layering.py) walk."""

import ast
from pathlib import Path


def import_graph(package):
    """(modules, imports, graph) of ``package`` (an imported package): ``modules`` maps each
    of its modules' names to its file, ``imports(path)`` is every module a file imports, as
    absolute names, and ``graph`` maps each module to the package's modules it imports."""
    root = Path(package.__file__).parent

    def module_name(path):
        parts = path.relative_to(root.parent).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    modules = {module_name(p): p for p in root.rglob("*.py")}

    def imports(path):
        name = module_name(path)
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[:len(here.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                for alias in node.names:  # "from . import ops" imports the module autograd.ops
                    submodule = f"{base}.{alias.name}"
                    found.add(submodule if submodule in modules else base)
        return found

    graph = {name: {m for m in imports(path) if m in modules and m != name}
             for name, path in modules.items()}
    return modules, imports, graph
