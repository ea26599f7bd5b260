"""Exercise 13_packaging/palette: one wheel for every CPython version.

cffi compiles palette._native for CPython's stable ABI (the "limited API")
wherever it can, so the same compiled module works on CPython 3.9, 3.10,
3.11 and later. The wheel's name does not say so unless setup() asks for it:
by default the wheel is tagged for the one Python that built it.

Grade it:  nox -s grade -- 13_packaging/palette
"""

import sys
import sysconfig

from setuptools import setup

options = {}
# cp39-abi3 means "CPython 3.9 or later", the oldest Python requires-python allows; free-threaded builds
# have no stable ABI before 3.15 (setuptools refuses the option there), PyPy has none at all, and in a debug
# build (which has sys.gettotalrefcount) cffi compiles an ordinary module, which an abi3 tag would misdescribe.
if (sys.implementation.name == "cpython" and not sysconfig.get_config_var("Py_GIL_DISABLED")
        and not hasattr(sys, "gettotalrefcount")):
    options["bdist_wheel"] = {"py_limited_api": "cp39"}

setup(cffi_modules=["src/palette/_build.py:ffibuilder"], options=options)
