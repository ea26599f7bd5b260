"""Build a plain shared library (not a Python module) for ABI-mode exercises.

ABI mode loads an existing library with ``ffi.dlopen(path)``. The course
builds those libraries from C files it ships, with setuptools' own compiler
(the one cffi uses, so whoever can build an API-mode module can build these),
into the child's run folder, from where the engine publishes them into the
cache: never into the learner's folder, and learner code never writes the cache.

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


def _key(
    name: str, fingerprint: str, exports: list[str], sources: list[tuple[str, bytes]], headers: list[tuple[str, bytes]]
) -> str:
    parts: list[bytes | str] = [name, library_kind(), fingerprint, *exports]
    for src_name, data in sources:
        parts += [src_name, data]
    for header_name, data in headers:
        parts += [header_name, data]
    return cache.digest(*parts)


def c_compiler():
    """The C compiler setuptools would use here ($CC and the interpreter's flags applied):
    for the engine's own builds, a shared library or a host program (embedding.py)."""
    importlib.import_module("setuptools")  # first: makes `distutils` setuptools' copy (Python 3.12+ has none)
    from distutils.ccompiler import new_compiler
    from distutils.sysconfig import customize_compiler

    compiler = new_compiler()
    customize_compiler(compiler)
    return compiler


def build_shared_library(
    name: str,
    sources: list[Path],
    exports: list[str],
    cache_root: Path,
    include_dirs: list[Path] | None = None,
    out: Path | None = None,
) -> Path:
    """Compile ``sources`` into a shared library exporting ``exports`` and
    return its path. Cached by content. Looks in ``<cache_root>/libs`` (read-only
    here), then in ``<out>/libs``, else builds into ``<out>/libs``, which the
    engine publishes into the cache after the child ends (``publish_libs``);
    without ``out``, straight into the cache."""
    from .build import entry_meta, install_entry, write_entry_meta

    fingerprint = cache.environment_fingerprint()
    headers = [h for folder in include_dirs or () for h in sorted(Path(folder).glob("*.h"))]
    key = _key(
        name,
        fingerprint,
        list(exports),
        [(s.name, s.read_bytes()) for s in sources],
        [(h.name, h.read_bytes()) for h in headers],
    )

    compiler = c_compiler()
    filename = compiler.library_filename(name, lib_type=library_kind())
    for base in (cache_root, *([out] if out is not None else [])):
        if entry_meta(base / cache.LIBS / key) is not None and (base / cache.LIBS / key / filename).is_file():
            return base / cache.LIBS / key / filename

    libs = (out if out is not None else cache_root) / cache.LIBS
    final = libs / key
    libs.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=libs))
    try:
        build = tmp / "obj"
        objects = compiler.compile(
            [str(s) for s in sources], output_dir=str(build), include_dirs=[str(d) for d in include_dirs or ()]
        )
        # The object files keep the sources' full paths below output_dir; only the
        # library itself is published.
        # link(), not link_shared_lib(): the latter names the file for lib_type
        # "shared" (libNAME.so even on macOS), not the name returned below.
        compiler.link(
            compiler.SHARED_LIBRARY,
            objects,
            filename,
            output_dir=str(tmp),
            export_symbols=list(exports) or None,
            target_lang="c",
        )
        shutil.rmtree(build, ignore_errors=True)
        for junk in tmp.glob("*.exp"):  # MSVC's import-library leftovers
            with contextlib.suppress(OSError):
                junk.unlink()
        # What the engine needs to recompute the key from the files it read itself:
        # the sources and headers by name within the exercise's folder (the one
        # include folder the exercise fixture gives), else nothing (then not published).
        inputs = None
        if include_dirs and len(include_dirs) == 1:
            folder = Path(include_dirs[0])
            if all(s.parent == folder for s in sources):
                inputs = {"sources": [s.name for s in sources], "headers": [h.name for h in headers]}
        write_entry_meta(tmp, {"name": name, "fingerprint": fingerprint, "exports": list(exports), "inputs": inputs})
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    install_entry(tmp, final)
    return final / filename


def publish_libs(out: Path, cache_root: Path, files: dict[str, bytes | None]) -> list[str]:
    """The engine's side: publish the libraries a child built from the exercise's
    files, once their key matches those files as the engine read them."""
    from .build import publish_entries

    headers = sorted(n for n, data in files.items() if data is not None and "/" not in n and n.endswith(".h"))

    def expected(meta: dict) -> str | None:
        inputs = meta.get("inputs")
        name, fingerprint, exports = meta.get("name"), meta.get("fingerprint"), meta.get("exports")
        if not (
            isinstance(inputs, dict)
            and isinstance(name, str)
            and isinstance(fingerprint, str)
            and isinstance(exports, list)
            and all(isinstance(e, str) for e in exports)
        ):
            return None
        sources = inputs.get("sources")
        if inputs.get("headers") != headers or not isinstance(sources, list):
            return None
        if not all(isinstance(s, str) and files.get(s) is not None for s in sources):
            return None
        present = {n: data for n, data in files.items() if data is not None}
        return _key(name, fingerprint, exports, [(s, present[s]) for s in sources], [(h, present[h]) for h in headers])

    return publish_entries(out / cache.LIBS, cache_root / cache.LIBS, expected)
