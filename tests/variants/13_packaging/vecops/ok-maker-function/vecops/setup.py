"""Exercise 13_packaging/vecops: the one thing pyproject.toml cannot say.

(Variant: cffi_modules names a function that returns the FFI object.)
"""

from setuptools import setup

setup(cffi_modules=["src/vecops/_build.py:make_ffi"])
