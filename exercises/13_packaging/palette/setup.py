"""Exercise 13_packaging/palette: one wheel for every CPython version.

cffi compiles palette._native for CPython's stable ABI (the "limited API")
wherever it can, so the same compiled module works on CPython 3.9, 3.10,
3.11 and later. The wheel's name does not say so unless setup() asks for it:
by default the wheel is tagged for the one Python that built it.

Grade it:  nox -s grade -- 13_packaging/palette
"""

from setuptools import setup

# TODO: on CPython, except free-threaded builds (where cffi cannot use the stable ABI), have the wheel tagged for the stable ABI of the oldest Python this project supports.
options = {}

setup(cffi_modules=["src/palette/_build.py:ffibuilder"], options=options)
