"""Exercise 13_packaging/vecops: the one thing pyproject.toml cannot say.

Everything about this project is declared in pyproject.toml, except which
CFFI builder makes its compiled module: setuptools learns that from the
``cffi_modules`` argument of setup(), so this small file is still needed.

Grade it:  nox -s grade -- 13_packaging/vecops
"""

from setuptools import setup

# TODO: tell setuptools which builder script (a path from this folder) and which FFI object in it make the module.
setup()
