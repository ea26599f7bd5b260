"""Exercise 05_abi_api/convert, run-time half: load the library.

This module is what a user of the library imports. It never builds anything
and never parses C: it imports the ``ffi`` of the module that convert_build.py
generated, ``_convert_abi``, whose declarations are ready to use.

load(path) opens the shared library file at `path` (a pathlib.Path, given at
run time) and returns the library object, so that
load(path).c_to_f(100.0) == 212.0.

Grade it:  nox -s grade -- 05_abi_api/convert
"""

from _convert_abi import ffi


def load(path):
    """Open the convert library at `path` and return it."""
    # This dlopen() passes its argument on unchanged: a full path, as a str (it refuses Path objects).
    return ffi.dlopen(path)
