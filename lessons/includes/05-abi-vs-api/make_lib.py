"""Build measure.c into a plain shared library, as the vendor of a C library would.

The result is not a Python module: it knows nothing of Python. Its name depends
on the system: libmeasure.so (Linux), libmeasure.dylib (macOS), measure.dll
(Windows). setuptools' compiler classes do the work, with the same C compiler
that cffi uses in API mode.
"""

import sys
import tempfile
from pathlib import Path

import setuptools  # noqa: F401  (imported before distutils: on Python 3.12+ it provides it)

HERE = Path(__file__).parent


def build_shared_library(name, sources, exports, outdir):
    """Compile and link `sources` into a shared library in `outdir`; return its path."""
    from distutils.ccompiler import CCompiler, new_compiler
    from distutils.sysconfig import customize_compiler

    compiler = new_compiler()
    customize_compiler(compiler)
    kind = "dylib" if sys.platform == "darwin" else "shared"
    filename = compiler.library_filename(name, lib_type=kind)  # libNAME.so, libNAME.dylib, NAME.dll
    with tempfile.TemporaryDirectory() as objects_dir:
        objects = compiler.compile([str(source) for source in sources], output_dir=objects_dir)
        # On Windows, a DLL exports only the functions it is told to.
        compiler.link(CCompiler.SHARED_LIBRARY, objects, filename, output_dir=str(outdir),
                      export_symbols=exports, target_lang="c")
    return Path(outdir, filename).resolve()


if __name__ == "__main__":
    path = build_shared_library("measure", [HERE / "measure.c"], ["add", "rect_area"], HERE / "lib")
    print("built", path)
