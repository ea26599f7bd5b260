"""Exercise 13_packaging/vecops: the one thing pyproject.toml cannot say.

Everything about this project is declared in pyproject.toml, except which
CFFI builder makes its compiled module: setuptools learns that from the
``cffi_modules`` argument of setup(), so this small file is still needed.

Grade it:  nox -s grade -- 13_packaging/vecops
"""

from setuptools import setup

# "path of the builder, from this folder : name of its FFI object"; cffi runs the builder and compiles the module.
setup(cffi_modules=["src/vecops/_build.py:ffibuilder"])
