"""Names the object that stops work from being sent to another process.

A process pool pickles the function and its arguments; a lambda, a nested
function, a bound method of an object holding a lock, an open file... cannot
be pickled. Rather than pickle's message about the whole task, say which
object it is and where it was made."""
import pickle


class CannotSend(Exception):
    """Work that cannot be sent to another process, with the object named."""


def describe(obj):
    """A person's name for an object: a function with where it was defined."""
    code = getattr(obj, "__code__", None)
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if code is not None:
        where = "%s:%d" % (code.co_filename, code.co_firstlineno)
        if getattr(obj, "__name__", "") == "<lambda>":
            return "the lambda defined at %s" % where
        if qualname and "<locals>" in qualname:
            return "the nested function %s defined at %s" % (qualname, where)
        return "the function %s defined at %s" % (qualname, where)
    func = getattr(obj, "func", None)
    if func is not None and hasattr(obj, "args"):  # functools.partial
        return "a functools.partial of %s" % describe(func)
    self = getattr(obj, "__self__", None)
    if self is not None and qualname:
        return "the method %s of a %s object" % (qualname, type(self).__name__)
    return "a %s object" % type(obj).__name__


def _fails(obj):
    try:
        pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001  pickle raises many kinds
        return error
    return None


def culprit(fn, args=(), kwargs=None):
    """None when (fn, args, kwargs) pickles, else a sentence naming the first
    part that does not, and why."""
    if _fails((fn, args, kwargs or {})) is None:
        return None
    parts = [("the function", fn)]
    inner = getattr(fn, "func", None)
    if inner is not None and hasattr(fn, "args"):
        # ProcessPoolExecutor.map sends partial(_process_chunk, fn): the script's function is its argument.
        internal = getattr(inner, "__module__", "") == "concurrent.futures.process"
        role = "the function" if internal else "an argument"
        parts = [("the function", inner)] + [(role, a) for a in fn.args] + parts
    parts += [("argument %d" % (i + 1), a) for i, a in enumerate(args)]
    parts += [("argument %s=" % k, v) for k, v in (kwargs or {}).items()]
    for role, obj in parts:
        error = _fails(obj)
        if error is not None:
            return "%s, %s, cannot be pickled (%s: %s)" % (role, describe(obj), type(error).__name__, error)
    error = _fails((fn, args, kwargs or {}))
    return "the task cannot be pickled (%s: %s)" % (type(error).__name__, error)
