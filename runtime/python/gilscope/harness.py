"""python -m gilscope.harness FILE QUALNAME [ARGS]

Calls one function of a Python file, for "Profile Function Under Cursor" in
the editor: imports FILE as a module named after it (not as __main__, so its
`if __name__ == "__main__":` block does not run), finds QUALNAME in it
(`func`, or `Class.method`: a method is called on `Class()`), and calls it
with ARGS, the text of a call's arguments (`1000, "x", workers=4`),
evaluated in the module's namespace. A coroutine function is run to its end
with asyncio.run. The recording itself is made by the runtime that
sitecustomize starts, as for any workload.

Exit status: 0 when the call returns, 1 when it raises (with the traceback),
2 when FILE, QUALNAME or ARGS cannot be used.
"""
import asyncio
import importlib.util
import inspect
import os
import sys
import traceback


class HarnessError(Exception):
    """FILE, QUALNAME or ARGS cannot be used; the message says which and why."""


def _module_name(path):
    name = os.path.splitext(os.path.basename(path))[0]
    return name if name.isidentifier() and name not in sys.modules else "__gilscope_target__"


def load(path):
    """The file as a module, importable by its name (so multiprocessing's children find it)."""
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise HarnessError("no such file: %s" % path)
    sys.path.insert(0, os.path.dirname(path))
    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def find(module, qualname):
    """The callable QUALNAME names; a method is bound to a new instance of its class."""
    owner, target = None, module
    for part in qualname.split("."):
        if not hasattr(target, part):
            raise HarnessError("%s has no attribute %r (looking for %s)" % (getattr(target, "__name__", target), part, qualname))
        owner, target = target, getattr(target, part)
    if inspect.isclass(owner) and inspect.isfunction(target):
        raw = inspect.getattr_static(owner, qualname.rsplit(".", 1)[-1])
        if not isinstance(raw, staticmethod):
            try:
                instance = owner()
            except Exception as error:
                raise HarnessError("%s is a method: calling it needs %s(), which failed: %r" % (qualname, owner.__name__, error))
            target = getattr(instance, qualname.rsplit(".", 1)[-1])
    if not callable(target):
        raise HarnessError("%s is not callable" % qualname)
    return target


def _collect(*args, **kwargs):
    return args, kwargs


def arguments(module, text):
    """(args, kwargs) from the text of a call's arguments, evaluated in the module's namespace."""
    if not text.strip():
        return (), {}
    namespace = dict(vars(module))
    namespace["__gilscope_collect__"] = _collect
    try:
        return eval("__gilscope_collect__(%s\n)" % text, namespace)
    except SyntaxError as error:
        raise HarnessError("the arguments %r are not a Python argument list: %s" % (text, error.msg))


def main(argv):
    if len(argv) < 2 or len(argv) > 3:
        sys.stderr.write("usage: python -m gilscope.harness FILE QUALNAME [ARGS]\n")
        return 2
    path, qualname = argv[0], argv[1]
    text = argv[2] if len(argv) == 3 else ""
    try:
        module = load(path)
        function = find(module, qualname)
        args, kwargs = arguments(module, text)
    except HarnessError as error:
        sys.stderr.write("gilscope harness: %s\n" % error)
        return 2
    try:
        result = function(*args, **kwargs)
        if inspect.iscoroutine(result):
            result = asyncio.run(result)
    except Exception:
        traceback.print_exc()
        return 1
    shown = repr(result)
    if len(shown) > 200:
        shown = shown[:200] + "..."
    sys.stderr.write("gilscope harness: %s(%s) returned %s\n" % (qualname, text, shown))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
