"""A mistake: free-threaded CPython and PyPy left out, but not a debug build (cffi compiles no abi3 module there)."""

import sys
import sysconfig

from setuptools import setup

options = {}
if sys.implementation.name == "cpython" and not sysconfig.get_config_var("Py_GIL_DISABLED"):
    options["bdist_wheel"] = {"py_limited_api": "cp39"}

setup(cffi_modules=["src/palette/_build.py:ffibuilder"], options=options)
