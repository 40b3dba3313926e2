"""What kind of interpreter runs the tests: a free-threaded build, and
whether its GIL is off (the GIL tests then have no GIL to look at; the
free-threaded ones say what holds instead: test_free_threaded.py)."""
import sys
import sysconfig

FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
NO_GIL = FREE_THREADED and not getattr(sys, "_is_gil_enabled", lambda: True)()
NO_GIL_REASON = "a free-threaded build runs without a GIL: its threads' waits are tested in test_free_threaded"
