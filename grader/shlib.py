"""Build a plain shared library (not a Python module) for ABI-mode exercises.

ABI mode loads an existing library with ``ffi.dlopen(path)``. The course
builds those libraries from C files it ships, with setuptools' own compiler
(the one cffi uses, so whoever can build an API-mode module can build these),
into the cache: never into the learner's folder.

Portability: the file is ``libNAME.so`` on Linux, ``libNAME.dylib`` on macOS
and ``NAME.dll`` on Windows, where MSVC exports only the symbols it is told
to (``exports``).
"""

from __future__ import annotations

import contextlib
import importlib
import shutil
import sys
import tempfile
from pathlib import Path

from . import cache


def library_kind() -> str:
    return "dylib" if sys.platform == "darwin" else "shared"


def build_shared_library(name: str, sources: list[Path], exports: list[str], cache_root: Path,
                         include_dirs: list[Path] | None = None) -> Path:
    """Compile ``sources`` into a shared library exporting ``exports`` and
    return its path. Cached by content; published atomically."""
    parts: list[bytes | str] = [name, library_kind(), cache.environment_fingerprint(), *exports]
    for src in sources:
        parts += [src.name, src.read_bytes()]
    for folder in include_dirs or ():
        for header in sorted(Path(folder).glob("*.h")):
            parts += [header.name, header.read_bytes()]
    key = cache.digest(*parts)
    libs = cache_root / "libs"
    final = libs / key

    importlib.import_module("setuptools")  # first: makes `distutils` setuptools' copy (Python 3.12+ has none)
    from distutils.ccompiler import new_compiler
    from distutils.sysconfig import customize_compiler

    compiler = new_compiler()
    customize_compiler(compiler)
    filename = compiler.library_filename(name, lib_type=library_kind())
    if (final / filename).is_file():
        return final / filename

    libs.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=libs))
    try:
        build = tmp / "obj"
        objects = compiler.compile([str(s) for s in sources], output_dir=str(build),
                                   include_dirs=[str(d) for d in include_dirs or ()])
        # The object files keep the sources' full paths below output_dir; only the
        # library itself is published.
        # link(), not link_shared_lib(): the latter names the file for lib_type
        # "shared" (libNAME.so even on macOS), not the name returned below.
        compiler.link(compiler.SHARED_LIBRARY, objects, filename, output_dir=str(tmp),
                      export_symbols=list(exports) or None, target_lang="c")
        shutil.rmtree(build, ignore_errors=True)
        for junk in tmp.glob("*.exp"):  # MSVC's import-library leftovers
            with contextlib.suppress(OSError):
                junk.unlink()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    cache.publish_dir(tmp, final)
    return final / filename


def c_library() -> str | None:
    """What to give ``ffi.dlopen`` for the C library on this platform.

    ``ffi.dlopen(None)`` means "the C library" on POSIX but does not work on
    Windows with Python 3, where the C runtime is ``ucrtbase`` (Python 3.5+
    is built against the Universal CRT).
    """
    if sys.platform == "win32":
        return "ucrtbase"
    import ctypes.util

    return ctypes.util.find_library("c")
