import sys
import sysconfig

from setuptools import setup

options = {}
# Where cffi compiles for the stable ABI: CPython, not free-threaded, not a debug build.
stable_abi = (sys.implementation.name == "cpython"
              and not sysconfig.get_config_var("Py_GIL_DISABLED")
              and not hasattr(sys, "gettotalrefcount"))
if stable_abi:
    # One wheel for CPython 3.9 and every later version: the oldest that requires-python allows.
    options["bdist_wheel"] = {"py_limited_api": "cp39"}

setup(cffi_modules=["src/tally/_build.py:ffibuilder"], options=options)
