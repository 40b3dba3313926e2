"""The function of a function-form what-if run: ``path/to/file.py:func``.

Checked without running the file (the driver must not run the user's code
outside a recorded run): the file must exist and parse, and define ``func``
at module level. Loaded in each run (and in each spawned worker) as a
module named after the file, with the file's folder first on sys.path, as
``python file.py`` would have it, so that pickle finds the function and the
classes of its results by name in every process."""
import ast
import importlib.util
import json
import os
import sys


class BadInput(Exception):
    """A mistake in what was asked: said in one line, exit status 2."""


def parse_spec(text):
    """``path:func`` → (absolute path, function name)."""
    path, sep, name = text.rpartition(":")
    if not sep or not path or not name:
        raise BadInput("--function takes path/to/file.py:function, got %r" % text)
    name = name.strip()
    if not all(part.isidentifier() for part in name.split(".")):
        raise BadInput("--function: %r is not a function name" % name)
    return os.path.abspath(path), name


def check_function(path, name):
    """The line defining ``name`` in ``path``; BadInput unless it is defined at module level."""
    if not os.path.isfile(path):
        raise BadInput("--function: no such file: %s" % path)
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), filename=path)
    except SyntaxError as error:
        raise BadInput("--function: %s does not parse: %s (line %s)" % (path, error.msg, error.lineno))
    except (OSError, ValueError) as error:
        raise BadInput("--function: cannot read %s: %s" % (path, error))
    head = name.split(".")[0]
    names = _module_names(tree)
    if head not in names:
        raise BadInput("--function: %s defines no function %r at module level" % (path, head))
    return names[head]


def _module_names(tree):
    """{name: line} of what the module defines at its top level."""
    names = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node.lineno
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update((t.id, node.lineno) for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(((a.asname or a.name).split(".")[0], node.lineno) for a in node.names)
    return names


def read_inputs(path):
    """The inputs: a JSON list, one item per call."""
    try:
        with open(path, encoding="utf-8") as f:
            inputs = json.load(f)
    except FileNotFoundError:
        raise BadInput("--inputs: no such file: %s" % path)
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput("--inputs: cannot read %s: %s" % (path, error))
    except ValueError as error:
        raise BadInput("--inputs: %s is not JSON: %s" % (path, error))
    if not isinstance(inputs, list) or not inputs:
        raise BadInput("--inputs: %s must hold a non-empty JSON list (one item per call)" % path)
    return inputs


def module_name(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    if stem.isidentifier() and stem not in sys.modules and stem != "__main__":
        return stem
    return "__gilscope_whatif_target__"


def load_function(path, name, module=None):
    """Imports the file (once per process) and returns the function."""
    folder = os.path.dirname(path)
    if not sys.path or sys.path[0] != folder:
        sys.path.insert(0, folder)
    module = module or module_name(path)
    loaded = sys.modules.get(module)
    if loaded is None or os.path.abspath(getattr(loaded, "__file__", "") or "") != path:
        spec = importlib.util.spec_from_file_location(module, path)
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[module] = loaded
        spec.loader.exec_module(loaded)
    obj = loaded
    for part in name.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise BadInput("%s:%s is not callable" % (path, name))
    return obj
