"""No import circles among the gilscope package's modules.

A circle works only while every module in it reaches the other's names
late enough (inside a function), so it breaks when someone moves an import
to the top; and it says that the concern shared by the modules has no home
of its own. The graph is read from the sources (ast), not by importing
them, so modules that only one interpreter can import are walked too, and
an import inside a function counts as much as one at the top."""
import ast
import os
import shutil
import tempfile
import unittest

from .workload import REPO

PACKAGE_ROOT = os.path.join(REPO, "runtime", "python")


def modules_under(root, package):
    """{dotted module name: file} for every .py file of `package` under `root`."""
    found = {}
    for directory, _, files in os.walk(os.path.join(root, *package.split("."))):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            dotted = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
            if dotted.endswith(".__init__"):
                dotted = dotted[:-len(".__init__")]
            found[dotted] = path
    return found


def import_graph(root, package):
    """{module: set of modules of the package it imports}. `from X import n`
    names the submodule X.n when there is one, else X itself; a package's
    import of its own names is no edge."""
    modules = modules_under(root, package)
    graph = {}
    for module, path in modules.items():
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), path)
        base = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        edges = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names if alias.name in modules)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parent = base
                    for _ in range(node.level - 1):
                        parent = parent.rpartition(".")[0]
                    source = "%s.%s" % (parent, node.module) if node.module else parent
                else:
                    source = node.module
                for alias in node.names:
                    submodule = "%s.%s" % (source, alias.name)
                    if submodule in modules:
                        edges.add(submodule)
                    elif source in modules:
                        edges.add(source)
        edges.discard(module)
        graph[module] = edges
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan),
    each as a sorted list; iterative, so a deep graph cannot overflow."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph.get(succ, ())))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
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


class ImportCycles(unittest.TestCase):
    def test_the_gilscope_package_has_none(self):
        graph = import_graph(PACKAGE_ROOT, "gilscope")
        self.assertIn("gilscope.whatif.function_run", graph, "the walk found the package's modules")
        self.assertEqual(cycles(graph), [], "modules that import each other, directly or round a circle")

    def test_a_circle_is_found_even_through_a_late_import(self):
        root = tempfile.mkdtemp(prefix="gilscope-cycles-")
        self.addCleanup(shutil.rmtree, root)
        files = {
            "pkg/__init__.py": "from . import a\n",
            "pkg/a.py": "from .b import thing\n",
            "pkg/b.py": "def thing():\n    from .sub import c\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/c.py": "from .. import a\nimport pkg.b\n",
            "pkg/alone.py": "import os\nfrom . import a\n",
        }
        for name, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
            with open(os.path.join(root, name), "w") as f:
                f.write(text)
        self.assertEqual(cycles(import_graph(root, "pkg")), [["pkg.a", "pkg.b", "pkg.sub.c"]])


if __name__ == "__main__":
    unittest.main()
