"""Build a learner's CFFI builder script and import the result.

Runs only inside a grading child process (learner code runs here). The
builder is executed as a module that is *not* ``__main__``, so its own
``ffibuilder.compile()`` under ``if __name__ == "__main__":`` does not run;
the engine compiles into the child's run folder instead (never into the
learner's folder), and publishes the result into the cache after the child has
ended: learner code never writes the cache (``publish_builds``).

Every way this can go wrong becomes a ``BuildError`` whose message a beginner
can act on: compiler diagnostics point at the learner's file and line (a
``#line`` directive maps inline C from ``set_source`` back to the builder
script), a ``CDefError`` shows the declaration, an undefined symbol says which
function has no C definition.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib
import os
import re
import runpy
import shutil
import stat
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from . import cache
from .paths import Paths

# Label for the code cffi generates after the learner's C source, so that a
# diagnostic there is not attributed to a line of the learner's file.
GENERATED = "cffi-generated-wrappers.c"


class BuildError(Exception):
    """A builder could not be run, compiled or imported. ``kind`` is one of
    builder, syntax, cdef, compile, import."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass
class Built:
    module: ModuleType
    module_name: str
    directory: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def ffi(self):
        return self.module.ffi

    @property
    def lib(self):
        return self.module.lib


@contextlib.contextmanager
def captured_fds():
    """Send fds 1 and 2 (the C compiler's output, cffi's prints) to a file."""
    with tempfile.TemporaryFile() as log:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        saved = [os.dup(1), os.dup(2)]
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        box: list[str] = []
        try:
            yield box
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            log.seek(0)
            box.append(log.read(200_000).decode("utf-8", "replace"))


def _learner_traceback(exc: BaseException, paths: Paths) -> str:
    """The exception with only the frames in the learner's files."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if paths.relative(f.filename) is not None]
    lines = [
        f"  {paths.show(f.filename)}, line {f.lineno}" + (f"\n    {f.line}" if f.line else "") for f in frames[-3:]
    ]
    head = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return paths.show("\n".join([*lines, head]))


def _cdef_source(exc: BaseException) -> str | None:
    """The string given to cdef(), found in cffi's own frame of the traceback."""
    source = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == "_cdef" and isinstance(tb.tb_frame.f_locals.get("csource"), str):
            source = tb.tb_frame.f_locals["csource"]
        tb = tb.tb_next
    return source


def _at(builder: Path, source: str, numbers: list[int], paths: Paths) -> str:
    """Lines of the cdef() string (1-based), each at its line in the builder script."""
    lines = source.splitlines()
    start = _literal_line(builder, source)
    out = []
    for number in numbers:
        where = (
            f"{paths.show(str(builder))}, line {start + number - 1}"
            if start
            else f"line {number} of the string given to cdef()"
        )
        out.append(f"  {where}\n    {lines[number - 1].strip()}")
    return "\n".join(out)


# cffi's message for a #define it cannot read ends "got:\n  #define NAME VALUE".
_DEFINE = re.compile(r"got:\s*#\s*define\s+(?P<name>\w+)[ \t]*(?P<value>[^\n]*)")
_FLOAT = re.compile(r"^[-+(\s]*(\d+\.\d*|\.\d+|\d+(?=[eE]))([eE][-+]?\d+)?[fFlL]?[)\s]*$")
# FFIError: "multiple declarations of function c_to_f (for interactive usage, ...)"
_TWICE = re.compile(r"multiple declarations of (?:\w+ )*?(?P<name>\w+) \(")


def _define_declaration(exc: BaseException, builder: Path, paths: Paths) -> str:
    """A #define cffi cannot read, at its line in the builder (cffi's message names no line:
    it strips #define lines before parsing). For a floating-point value, cffi's own
    suggestion (`#define NAME ...`) is wrong: `...` there stands for an integer."""
    m = _DEFINE.search(str(exc))
    source = _cdef_source(exc)
    if not m or source is None:
        return ""
    name, value = m.group("name"), m.group("value").strip()
    pattern = re.compile(rf"^\s*#\s*define\s+{re.escape(name)}\b")
    hits = [i for i, line in enumerate(source.splitlines(), 1) if pattern.match(line)]
    if not hits:
        return ""
    head = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    text = (
        f"{_at(builder, source, hits[:1], paths)}\n{paths.show(head)}\n"
        "In cdef(), a #define takes an integer literal, or `...` for the C compiler to fill in the value."
    )
    if _FLOAT.match(value):
        text += (
            f"\n{value} is a floating-point number: cffi's suggestion `#define {name} ...` does not work "
            "for it (in a #define, `...` stands for an integer constant). Declare it as "
            f"`static const double {name};`: the C compiler takes its value from the header."
        )
    return text


def _duplicate_declaration(exc: BaseException, builder: Path, paths: Paths) -> str:
    """A name declared twice (FFIError), at both of its lines in the builder."""
    m = _TWICE.search(str(exc))
    source = _cdef_source(exc)
    if not m or source is None:
        return ""
    name = m.group("name")
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    hits = [
        i
        for i, line in enumerate(source.splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith(("//", "/*", "*"))
    ]
    if len(hits) < 2:
        return ""
    head = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return (
        f"{_at(builder, source, hits, paths)}\n{paths.show(head)}\n"
        f"{name} is declared more than once: delete the extra declaration. cffi's suggestion, "
        "override=True, is for trying things interactively; in a builder it only hides the mistake."
    )


def _cdef_declaration(exc: BaseException, builder: Path, paths: Paths) -> str:
    """The declaration a CDefError is about, at its line in the builder script.
    cffi names only a line of the string given to cdef() ("<cdef source
    string>:3"); a #define is _define_declaration's."""
    m = re.search(r"<cdef source string>:(\d+)", str(exc))
    if not m:
        return ""
    source = _cdef_source(exc)
    number = int(m.group(1))
    lines = source.splitlines() if source is not None else []
    # cffi removes #define lines (with blank lines and comments before them)
    # before parsing, so its line numbers can come out short. When the message
    # quotes the declaration, its own line in the source is the reliable one.
    quoted = re.search(r'cannot parse "(.+?)"', str(exc))
    if quoted:
        text = " ".join(quoted.group(1).split())
        hits = [i for i, line in enumerate(lines, 1) if text and " ".join(line.split()) == text] or [
            i for i, line in enumerate(lines, 1) if text and text in " ".join(line.split())
        ]
        if hits:
            number = hits[0]
    if source is None or not 1 <= number <= len(lines) or not lines[number - 1].strip():
        return ""
    head = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return f"{_at(builder, source, [number], paths)}\n{paths.show(head)}"


def load_builder(path: Path, paths: Paths):
    """Run a builder script and return its FFI object (``ffibuilder`` by
    convention, else the one FFI instance it defines)."""
    import cffi

    if not path.is_file():
        raise BuildError("builder", f"{paths.show(str(path))} does not exist.")
    saved_path = list(sys.path)
    sys.path.insert(0, str(path.parent))
    try:
        with captured_fds():
            namespace = runpy.run_path(str(path), run_name="__cffi_course_builder__")
    except SyntaxError as exc:
        where = f"{paths.show(exc.filename or str(path))}, line {exc.lineno}"
        text = (exc.text or "").rstrip("\n")
        caret = " " * max((exc.offset or 1) - 1, 0) + "^" if text else ""
        raise BuildError(
            "syntax",
            f"Python cannot read your builder script: {exc.msg}\n  {where}\n    {text}\n    {caret}".rstrip(),
        ) from None
    except cffi.CDefError as exc:
        define = _define_declaration(exc, path, paths)
        if define:
            raise BuildError("cdef", "ffibuilder.cdef() rejected a #define (CDefError):\n" + define) from None
        raise BuildError(
            "cdef",
            "ffibuilder.cdef() rejected a declaration (CDefError):\n"
            + (_cdef_declaration(exc, path, paths) or _learner_traceback(exc, paths))
            + "\ncdef() takes C declarations only: prototypes, typedefs, structs, "
            "constants. No #include, no function bodies.",
        ) from None
    except cffi.FFIError as exc:
        raise BuildError(
            "cdef",
            "cffi refused the declarations (FFIError):\n"
            + (_duplicate_declaration(exc, path, paths) or _learner_traceback(exc, paths)),
        ) from None
    except SystemExit as exc:
        raise BuildError(
            "builder",
            f"your builder script called sys.exit({exc.code!r}) while being loaded. "
            'Keep the build step under `if __name__ == "__main__":`.',
        ) from None
    except Exception as exc:
        raise BuildError(
            "builder", "your builder script raised an exception:\n" + _learner_traceback(exc, paths)
        ) from None
    finally:
        sys.path[:] = saved_path
    ffis = {name: v for name, v in namespace.items() if isinstance(v, cffi.FFI)}
    if "ffibuilder" in ffis:
        return ffis["ffibuilder"]
    if len(ffis) == 1:
        return next(iter(ffis.values()))
    shown = paths.show(str(path))
    if not ffis:
        raise BuildError("builder", f"{shown} defines no FFI object. Create one: ffibuilder = FFI()")
    raise BuildError(
        "builder", f"{shown} defines several FFI objects ({', '.join(ffis)}); name the one to build `ffibuilder`."
    )


def _literal_line(builder: Path, source: str) -> int | None:
    """Line in the builder where the string literal holding ``source`` starts."""
    try:
        tree = ast.parse(builder.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        # A literal spread over lines but holding no newline of its own (implicit
        # concatenation) cannot be mapped line for line.
        if (
            isinstance(node, ast.Constant)
            and node.value == source
            and source.count("\n") == (node.end_lineno or node.lineno) - node.lineno
        ):
            return node.lineno
    return None


def _add_line_directives(ffi, builder: Path) -> None:
    """Make the compiler report inline C at its line in the builder script."""
    module_name, source, ext, kwds = ffi._assigned_source
    if not isinstance(source, str):
        return
    line = _literal_line(builder, source)
    if line is None:
        return
    path = str(builder).replace("\\", "\\\\").replace('"', '\\"')
    source = f'#line {line} "{path}"\n{source}\n#line 1 "{GENERATED}"\n'
    ffi._assigned_source = (module_name, source, ext, kwds)


def _add_warnings(ffi) -> None:
    """Ask gcc/clang for the usual warnings (-Wall), which the report shows at the
    learner's lines when a check crashes or fails. CPython's own flags already hold
    -Wall; PyPy's (``-DNDEBUG -O2``) do not, and a learner there would see less.
    MSVC (Windows) takes other options; its default level is kept."""
    import sysconfig

    if sys.platform == "win32" or "-Wall" in (sysconfig.get_config_var("CFLAGS") or "").split():
        return
    module_name, source, ext, kwds = ffi._assigned_source
    kwds = dict(kwds, extra_compile_args=["-Wall", *kwds.get("extra_compile_args", [])])
    ffi._assigned_source = (module_name, source, ext, kwds)


_DIAG = re.compile(
    r"^(?P<file>.+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?:|\((?P<mline>\d+)\)\s*:)\s*(?P<kind>fatal error|error|warning)\b",
    re.I,
)


_NOTE = re.compile(r"^.+?:\d+(?::\d+)?:\s*note\b")


def compiler_diagnostics(log: str, paths: Paths, max_errors: int = 3) -> tuple[list[str], list[str]]:
    """(errors, warnings) from gcc/clang/MSVC output, each a block with the
    source excerpt the compiler printed, paths shown as the learner sees them."""
    errors: list[str] = []
    warnings: list[str] = []
    current: list[str] | None = None
    for raw in log.splitlines():
        m = _DIAG.match(raw)
        if m:
            block = [paths.show(raw)]
            kind = m.group("kind").lower()
            target = errors if "error" in kind else warnings
            target.append(block)  # type: ignore[arg-type]
            current = block
        elif current is not None and current in warnings and _NOTE.match(raw):
            # gcc's "note: expected 'int' but argument is of type 'int *'" at the learner's
            # own declaration, after a warning in cffi's glue: what makes that warning theirs.
            current.append(paths.show(raw))
        elif current is not None and re.match(r"^\s*(\d+\s*)?\|", raw):
            current.append(paths.show(raw))  # gcc/clang's source excerpt and caret
        else:
            current = None
    as_text = ["\n".join(b) for b in errors[:max_errors]], ["\n".join(b) for b in warnings[:max_errors]]
    return as_text


def is_learners(diagnostic: str, paths: Paths) -> bool:
    """Whether a compiler diagnostic (as compiler_diagnostics shows it) is about a
    line of the learner's files, not cffi's generated C or a system header."""
    if diagnostic.startswith(GENERATED):  # about the learner's line when a note points there
        return f"\n{paths.display}/" in diagnostic
    return diagnostic.startswith(paths.display + "/")


_GLUE_NOTE = (
    "(This warning is in cffi's glue, which calls your function as cdef() declares it: "
    "cdef() and your C disagree on this type.)"
)


def _explain_glue_warnings(warnings: list[str], paths: Paths) -> list[str]:
    """A warning in cffi's glue that a note ties to the learner's declaration says why;
    the glue calls each function twice (directly and through its wrapper): one is enough."""
    out, seen = [], set()
    for w in warnings:
        if w.startswith(GENERATED) and is_learners(w, paths):
            rest = w[w.index(f"\n{paths.display}/") :]  # the note at the learner's declaration
            if rest in seen:
                continue
            seen.add(rest)
            w = f"{w}\n{_GLUE_NOTE}"
        out.append(w)
    return out


def _relative_path_hint(ffi) -> str:
    kwds = ffi._assigned_source[3]
    rel = [p for key in ("sources", "include_dirs", "library_dirs") for p in kwds.get(key, ()) if not os.path.isabs(p)]
    if not rel:
        return ""
    which = f"{rel[0]!r} is a relative path" if len(rel) == 1 else f"{', '.join(map(repr, rel))} are relative paths"
    return (
        f"\nNote: {which}. cffi looks for them from the folder compile() runs in, not from "
        "your builder's folder: build them from Path(__file__).parent so they work wherever "
        "the script is run."
    )


def _undefined(name: str) -> str:
    return (
        f"`{name}` is declared in cdef() and no C code compiled into the module defines it. "
        f"Define {name} in the C source given to set_source(), or in a .c file listed in its "
        "sources=[...] (or remove it from cdef())."
    )


def _import(directory: Path, module_name: str, warnings: list[str], paths: Paths) -> ModuleType:
    sys.path.insert(0, str(directory))
    importlib.invalidate_caches()
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        text = str(exc)
        m = re.search(r"undefined symbol: (\w+)", text) or re.search(r"symbol not found[^']*'_?(\w+)'", text, re.I)
        if m:
            name = m.group(1)
            msg = "the module compiled, but importing it failed: " + _undefined(name)
            related = [w for w in warnings if name in w]
            if related:
                msg += "\nThe compiler warned about it:\n" + "\n".join(related[:2])
            raise BuildError("import", msg) from None
        raise BuildError(
            "import", f"the compiled module {module_name!r} could not be imported: {paths.show(text)}"
        ) from None


def build_key(files_key: str, builder_name: str, fingerprint: str) -> str:
    """The build entry's name: the learner's files, the builder, the environment.
    The engine recomputes it before publishing an entry a child made (publish_builds)."""
    return cache.digest(files_key, builder_name, fingerprint)


def _entry_files(folder: Path) -> dict[str, Path] | None:
    """Every file of a build entry but meta.json, by relative path; None when the
    entry holds anything but regular files and folders (a link, a FIFO...)."""
    out: dict[str, Path] = {}
    try:
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in dirnames + filenames:
                p = Path(dirpath, name)
                mode = os.lstat(p).st_mode
                if stat.S_ISDIR(mode):
                    continue
                if not stat.S_ISREG(mode):
                    return None
                rel = p.relative_to(folder).as_posix()
                if rel != "meta.json":
                    out[rel] = p
    except OSError:
        return None
    return out


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def entry_meta(folder: Path) -> dict | None:
    """The meta.json of a whole, intact entry (builds/<key>, libs/<key>), else None:
    missing, unreadable, or a file that does not match the sha256 meta.json records
    (a corrupt entry is treated as absent and built again)."""
    meta = cache.read_json(folder / "meta.json")
    if not isinstance(meta, dict) or not isinstance(meta.get("files"), dict):
        return None
    found = _entry_files(folder)
    if found is None or set(found) != set(meta["files"]):
        return None
    try:
        if any(_sha256(found[rel]) != meta["files"][rel] for rel in found):
            return None
    except OSError:
        return None
    return meta


def write_entry_meta(folder: Path, meta: dict) -> None:
    """Record ``meta`` with the sha256 of every file now in ``folder``."""
    files = _entry_files(folder) or {}
    cache.write_json_atomic(folder / "meta.json", {**meta, "files": {rel: _sha256(p) for rel, p in files.items()}})


def install_entry(tmp: Path, final: Path) -> Path:
    """Publish the finished folder ``tmp`` as ``final``; a damaged entry already
    there is moved aside first (a rename: readers never see half an entry)."""
    if final.exists() and entry_meta(final) is None:
        aside = final.parent / f".tmp-damaged-{os.getpid()}-{final.name}"
        with contextlib.suppress(OSError):
            os.replace(final, aside)
        shutil.rmtree(aside, ignore_errors=True)
    return cache.publish_dir(tmp, final)


def publish_entries(out: Path, dest: Path, expected_key) -> list[str]:
    """Copy the intact entries a grading child left in ``out`` into the cache
    folder ``dest``. Run by the engine after the child has ended: the child never
    writes into the cache. ``expected_key(meta)`` recomputes the key an entry must
    have from what the engine itself knows (the files it read), so a child cannot
    plant an entry under another content's key. The copy is re-checked against
    meta.json's digests as it is written, and belongs to the engine."""
    published: list[str] = []
    try:
        entries = sorted(p for p in out.iterdir() if not p.name.startswith("."))
    except OSError:
        return published
    for entry in entries:
        meta = entry_meta(entry)
        if meta is None or expected_key(meta) != entry.name or entry_meta(dest / entry.name) is not None:
            continue
        try:
            dest.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=dest))
            tmp.chmod(0o755)  # mkdtemp's 0700 would hide it from a sandbox's separate uid
        except OSError:
            return published  # a read-only cache: the entry is simply not kept
        try:
            for rel, digest_ in meta["files"].items():
                data = (entry / rel).read_bytes()
                if hashlib.sha256(data).hexdigest() != digest_:
                    raise OSError(f"{entry / rel} changed while being published")
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                (tmp / rel).write_bytes(data)
            (tmp / "meta.json").write_bytes((entry / "meta.json").read_bytes())
            if entry_meta(tmp) is None:
                raise OSError(f"{entry} did not copy whole")
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            continue
        install_entry(tmp, dest / entry.name)
        published.append(entry.name)
    return published


def publish_builds(out: Path, cache_root: Path, files_key: str) -> list[str]:
    """The engine's side of build(): publish the child's builds of these files."""

    def expected(meta: dict) -> str | None:
        name, fingerprint = meta.get("builder"), meta.get("fingerprint")
        if not isinstance(name, str) or not isinstance(fingerprint, str):
            return None
        return build_key(files_key, name, fingerprint)

    return publish_entries(out / cache.BUILDS, cache_root / cache.BUILDS, expected)


def build(builder: Path, paths: Paths, cache_root: Path, files_key: str, out: Path | None = None) -> Built:
    """Compile ``builder`` (or reuse the build of the same content) and import it.

    Looks in ``<cache_root>/builds/<key>`` (read-only here), then in
    ``<out>/builds/<key>`` (built by an earlier child of the same run), else
    compiles into ``<out>/builds/``, which the engine publishes into the cache
    after the child ends (publish_builds). Without ``out`` it compiles straight
    into the cache (a direct call outside the engine)."""
    fingerprint = cache.environment_fingerprint()
    key = build_key(files_key, builder.name, fingerprint)
    for base in (cache_root, *([out] if out is not None else [])):
        final = base / cache.BUILDS / key
        meta = entry_meta(final)
        if meta is not None and isinstance(meta.get("module"), str):
            with contextlib.suppress(OSError):
                os.utime(final)  # recently used: pruning keeps it (fails harmlessly where read-only)
            warnings = [w for w in meta.get("warnings", []) if isinstance(w, str)]
            module = _import(final, meta["module"], warnings, paths)
            return Built(module, meta["module"], final, warnings)
    builds = (out if out is not None else cache_root) / cache.BUILDS
    final = builds / key

    import cffi

    ffi = load_builder(builder, paths)
    if not hasattr(ffi, "_assigned_source"):
        raise BuildError(
            "builder",
            f"{paths.show(str(builder))} never calls ffibuilder.set_source(): "
            "it names the module to build and gives its C source.",
        )
    module_name = ffi._assigned_source[0]
    _add_line_directives(ffi, builder)
    _add_warnings(ffi)
    builds.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=builds))
    try:
        with captured_fds() as log:
            failure: Exception | None = None
            try:
                ffi.compile(tmpdir=str(tmp), verbose=False)
            except Exception as exc:  # cffi's own errors, setuptools' CompileError/LinkError and kin
                failure = exc
        errors, warnings = compiler_diagnostics(log[0], paths, max_errors=50)
        # Kept in the build's meta.json: a check that crashes or fails later shows the
        # warnings about the learner's own lines (`if (p = NULL)`: -Wparentheses), first.
        errors = errors[:3]
        warnings = sorted(warnings, key=lambda w: not is_learners(w, paths))[:6]
        warnings = _explain_glue_warnings(warnings, paths)
        # The C file cffi generates lives in a temporary build folder: show just its name.
        for prefix in {str(tmp) + os.sep, tmp.as_posix() + "/"}:
            errors = [e.replace(prefix, "") for e in errors]
        if failure is not None:
            if isinstance(failure, cffi.CDefError):
                raise BuildError("cdef", "cdef() rejected a declaration (CDefError):\n" + paths.show(str(failure)))
            if errors:
                detail = "\n\n".join(errors)
            else:
                tail = [ln for ln in log[0].splitlines() if ln.strip()][-8:]
                detail = paths.show("\n".join(tail)) or paths.show(str(failure))
            undeclared = re.search(r"(?:implicit declaration of function|call to undeclared function) \W?(\w+)", detail)
            missing = re.search(r"fatal error: ([\w./-]+\.h): No such file", detail) or re.search(
                r"Cannot open include file: '([^']+)'", detail
            )
            # gcc's words when one of the learner's functions is never closed: the
            # compiler then reads cffi's glue as if inside it, and every error lands there.
            unclosed = any(
                w in detail
                for w in ("invalid storage class for function", "expected declaration or statement at end of input")
            )
            if undeclared and GENERATED in detail:  # gcc 14 and clang refuse what gcc 12 only warns about
                detail += "\n" + _undefined(undeclared.group(1))
            elif unclosed and GENERATED in detail:
                detail += (
                    "\nThese errors are in cffi's glue, after your code: the compiler believes one of "
                    "your C functions is still open there. Look in your C code for a `{` without its `}`."
                )
            elif "invalid operands to binary |" in detail and GENERATED in detail:
                detail += (
                    "\nThis is cffi checking that a `#define NAME ...` in cdef() is an integer: "
                    "for a constant of another type (a double, a string) declare it as "
                    "`static const TYPE NAME;` instead."
                )
            elif GENERATED in detail:
                detail += (
                    f"\n({GENERATED} is the glue cffi writes from your cdef(): an error "
                    "there usually means cdef() and the C source disagree on a type.)"
                )
            if missing:
                detail += (
                    f"\nThe compiler did not find {missing.group(1)}: give the folder that holds it "
                    "in include_dirs=[...] (an absolute path, e.g. built from Path(__file__).parent)."
                )
            raise BuildError(
                "compile",
                f"the C compiler rejected the module ({type(failure).__name__}):\n{detail}" + _relative_path_hint(ffi),
            )
        write_entry_meta(
            tmp, {"module": module_name, "warnings": warnings, "builder": builder.name, "fingerprint": fingerprint}
        )
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    install_entry(tmp, final)
    module = _import(final, module_name, warnings, paths)
    return Built(module, module_name, final, warnings)
