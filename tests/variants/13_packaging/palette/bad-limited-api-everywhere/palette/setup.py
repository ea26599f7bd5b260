"""A mistake: the abi3 tag asked for on every Python (free-threaded CPython's build then fails)."""

from setuptools import setup

setup(cffi_modules=["src/palette/_build.py:ffibuilder"], options={"bdist_wheel": {"py_limited_api": "cp39"}})
