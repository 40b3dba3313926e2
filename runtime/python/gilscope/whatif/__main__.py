"""python -m gilscope.whatif: see driver.py."""
import sys

from .driver import main

sys.exit(main())
