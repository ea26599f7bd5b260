"""grader.testing is the one API graders use.

Two halves. A static check of every grader under tests/NN_topic/: it imports nothing of
``grader`` but ``grader.testing``, no private name of cffi or the engine, and reads no
private attribute (``obj._name``, ``getattr(obj, "_name")``) of an object it did not make:
cffi's private attributes change between versions (and between CPython's cffi and PyPy's),
the engine's between commits, and a grader that reads one breaks silently or degrades to
letting wrong work pass. Then unit tests of the helpers themselves: the shared lib spy, and
the two readers of a builder's FFI that stand in for cffi's private attributes, on this
interpreter's cffi (CPython's or PyPy's bundled one).
"""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

import cffi
import pytest

import grader.testing
from grader.testing import LibSpy, cdef_declarations, install_lib_spy, set_source_args

ROOT = Path(__file__).resolve().parents[2]
GRADERS = sorted(ROOT.glob("tests/[0-9]*/test_*.py"))
ENGINE_MODULES = ("grader", "cffi", "_cffi_backend")  # whose private names a grader must not import


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _own_attributes(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> set[str]:
    """What a class of the grader's defines itself (methods, class attributes, ``self._x = ...``),
    with what the grader's own classes it derives from define: its own to use."""
    own = {
        node.attr
        for node in ast.walk(cls)
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            own.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            own |= {t.id for t in targets if isinstance(t, ast.Name)}
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in classes and classes[base.id] is not cls:
            own |= _own_attributes(classes[base.id], classes)
    return own


def violations(source: str, filename: str = "<grader>") -> list[str]:
    """What a grader's source does that the grader API forbids, one line each ("file:line: what")."""
    tree = ast.parse(source, filename)
    found: list[str] = []

    def bad(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top == "grader" and alias.name != "grader.testing":
                    bad(node, f"imports {alias.name}: graders import only grader.testing")
                elif top in ENGINE_MODULES and any(_private(part) for part in alias.name.split(".")[1:]):
                    bad(node, f"imports the private module {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module.split(".")[0]
            if top == "grader" and node.module != "grader.testing":
                bad(node, f"imports from {node.module}: graders import only from grader.testing")
            elif top in ENGINE_MODULES:
                for alias in node.names:
                    if _private(alias.name) or any(_private(part) for part in node.module.split(".")[1:]):
                        bad(node, f"imports the private name {alias.name} from {node.module}")
    # obj._name: allowed only as self._name inside a class of the grader's that sets it.
    by_name = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    classes: dict[ast.AST, ast.ClassDef] = {}  # node -> the innermost class around it
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):  # outer classes first
        for node in ast.walk(cls):
            classes[node] = cls
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            cls = classes.get(node)
            mine = (
                cls is not None
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
                and node.attr in _own_attributes(cls, by_name)
            )
            if not mine:
                bad(node, f"uses the private attribute .{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr", "setattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
        ):
            bad(node, f"{node.func.id}(..., {node.args[1].value!r}) reaches a private attribute")
    return sorted(set(found))


# --- the graders -------------------------------------------------------------------------------


def test_graders_are_found():
    assert len(GRADERS) > 30, f"only {len(GRADERS)} graders under tests/NN_topic/: has the layout changed?"


@pytest.mark.parametrize("path", GRADERS, ids=[f"{p.parent.name}/{p.name}" for p in GRADERS])
def test_grader_uses_only_the_public_api(path):
    found = violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, (
        "this grader reaches past grader.testing (read its module docstring for what is there; add a "
        "documented helper to it rather than reading a private attribute):\n" + "\n".join(found)
    )


def test_the_scaffolds_grader_uses_only_the_public_api():
    from string import Template

    template = ROOT / "grader" / "templates" / "exercise" / "grader.py.tmpl"
    source = Template(template.read_text(encoding="utf-8")).substitute(id="07_structs/point", name="point")
    assert "grader.testing" in source
    assert not violations(source, str(template.relative_to(ROOT)))


def test_the_check_catches_each_way_past_the_api():
    source = """
import grader.build
from grader.plugin import ExerciseFiles
from grader.testing import _FfiWithAllocator
from cffi import _imp_emulation
import cffi._shimmed_dist_utils

def f(ffi, exercise):
    a = ffi._assigned_source
    b = getattr(getattr(ffi, "_parser", None), "_declarations", None)
    return exercise._built, a, b

class Spy(grader.testing.LibSpy):
    def __init__(self, lib):
        super().__init__(lib)
        self._mine = 1

    def wrap(self, name, target):
        return self._mine, self._lib  # its own attribute is fine, LibSpy's is not
"""
    found = violations(source)
    assert sorted(line.split(": ", 1)[1] for line in found) == sorted(
        [
            "imports grader.build: graders import only grader.testing",
            "imports from grader.plugin: graders import only from grader.testing",
            "imports the private name _FfiWithAllocator from grader.testing",
            "imports the private name _imp_emulation from cffi",
            "imports the private module cffi._shimmed_dist_utils",
            "uses the private attribute ._assigned_source",
            "getattr(..., '_parser') reaches a private attribute",
            "getattr(..., '_declarations') reaches a private attribute",
            "uses the private attribute ._built",
            "uses the private attribute ._lib",
        ]
    ), found
    assert not violations("import _calc_cffi\nfrom _calc_cffi import ffi, lib\nx = lib.__name__\n")


def test_the_public_api_is_listed_and_documented():
    for name in grader.testing.__all__:
        value = getattr(grader.testing, name)
        assert not _private(name)
        assert (value.__doc__ or "").strip(), f"grader.testing.{name} has no docstring"
    public = {
        name
        for name, value in vars(grader.testing).items()
        if not _private(name) and getattr(value, "__module__", "").startswith("grader")
    }
    assert public <= set(grader.testing.__all__), (
        f"public names missing from __all__: {public - set(grader.testing.__all__)}"
    )
    for method in ("build_module", "builder_ffi", "import_module", "traceback", "shared_library", "run_script"):
        assert (getattr(grader.testing.ExerciseFiles, method).__doc__ or "").strip(), method
    for old in ("build", "builder"):
        assert not hasattr(grader.testing.ExerciseFiles, old), f"ExerciseFiles.{old} should be gone"


# --- the readers of a builder's FFI ---------------------------------------------------------------


def test_set_source_args():
    ffibuilder = cffi.FFI()
    assert set_source_args(ffibuilder) is None
    ffibuilder.cdef("int add(int, int);")
    ffibuilder.set_source("_calc_cffi", '#include "calc.h"', sources=["calc.c"], include_dirs=["."])
    got = set_source_args(ffibuilder)
    assert got == ("_calc_cffi", '#include "calc.h"', {"sources": ["calc.c"], "include_dirs": ["."]})
    assert got.module_name == "_calc_cffi"
    assert got.kwargs["sources"] == ["calc.c"]
    abi = cffi.FFI()
    abi.cdef("int add(int, int);")
    abi.set_source("_calc_abi", None)
    assert set_source_args(abi).source is None


def test_cdef_declarations():
    ffibuilder = cffi.FFI()
    ffibuilder.cdef("""
        typedef int... ticks_t;
        typedef float... seconds_t;
        typedef long stamp_t;
        #define HZ ...
        #define MAX 100
        struct reading { int channel; ...; };
        struct point { int x, y; };
        enum state { IDLE, BUSY = 5 };
        int add(int, int);
    """)
    found = cdef_declarations(ffibuilder)
    assert found is not None, "this cffi keeps cdef()'s declarations elsewhere: update cdef_declarations()"
    assert type(found["typedef ticks_t"]).__name__ == "UnknownIntegerType"
    assert type(found["typedef seconds_t"]).__name__ == "UnknownFloatType"
    assert found["typedef stamp_t"].get_c_name() == "long"
    assert found["macro HZ"] == "..."
    assert found["macro MAX"] == 100
    assert found["struct reading"].partial is True
    assert found["struct point"].partial is False
    assert found["enum state"].enumerators == ("IDLE", "BUSY")
    assert found["enum state"].enumvalues == (0, 5)
    assert "function add" in found


# --- the lib spy ------------------------------------------------------------------------------------


class _Lib:
    """A stand-in for a compiled lib: two functions, a constant, and a C function pointer."""

    def __init__(self, ffi):
        self.TEN = 10
        self.add = lambda a, b: a + b
        self.neg = lambda a: -a
        self.twice = ffi.callback("int(int)", lambda a: 2 * a)  # as lib.<extern "Python" function> is


@pytest.fixture
def ffi():
    return cffi.FFI()


def test_spy_records_calls_and_passes_them_on(ffi):
    lib = _Lib(ffi)
    spy = LibSpy(lib, ffi)
    assert spy.lib is lib
    assert spy.ffi is ffi
    assert spy.add(2, 3) == 5
    assert spy.neg(4) == -4
    assert spy.add(1, 1) == 2
    assert spy.TEN == 10  # not callable: the real one
    assert spy.calls == [("add", (2, 3)), ("neg", (4,)), ("add", (1, 1))]
    assert spy.names() == ["add", "neg", "add"]
    assert spy.last("add") == ("add", (1, 1))
    assert spy.last("missing") is None
    assert spy.add.__name__ == "add"


def test_spy_wraps_c_function_pointers_unless_told_to_pass_them(ffi):
    lib = _Lib(ffi)
    wrapped = LibSpy(lib, ffi).twice
    assert not isinstance(wrapped, ffi.CData)
    assert wrapped(4) == 8
    spy = LibSpy(lib, ffi, pass_pointers=True)
    assert spy.twice is lib.twice  # C can take it: qsort(..., lib.descending)
    assert spy.add(1, 2) == 3
    assert spy.names() == ["add"]
    with pytest.raises(TypeError, match="needs the ffi"):
        LibSpy(lib, pass_pointers=True)


def test_spy_subclass_may_stop_a_call_or_change_the_answer(ffi):
    class Stopping(LibSpy):
        def record(self, name, args):
            if name == "neg":
                raise RuntimeError("stopped before C ran")
            return name

        def wrap(self, name, target):
            call = super().wrap(name, target)
            return (lambda *args: call(*args) + 1000) if name == "add" else call

    spy = Stopping(_Lib(ffi))
    assert spy.add(1, 2) == 1003
    with pytest.raises(RuntimeError, match="stopped"):
        spy.neg(1)
    assert spy.calls == ["add"]
    assert spy.names() == ["add"]


def test_install_reaches_every_way_a_module_holds_lib(ffi, monkeypatch):
    lib = _Lib(ffi)
    compiled = types.SimpleNamespace(lib=lib, ffi=ffi)
    built = types.SimpleNamespace(lib=lib, ffi=ffi, module=compiled)
    learner = types.ModuleType("learner")
    learner.lib = lib  # from _x_cffi import lib
    learner.add = lib.add  # from _x_cffi.lib import add
    learner._x_cffi = compiled  # import _x_cffi

    def with_default(a, _neg=lib.neg):  # def f(a, _neg=lib.neg)
        return _neg(a)

    learner.with_default = with_default
    learner.twice = lib.twice

    spy = install_lib_spy(learner, built, monkeypatch, LibSpy(lib, ffi, pass_pointers=True))
    assert learner.lib is spy
    assert compiled.lib is spy
    learner.add(1, 2)
    learner.with_default(5)
    learner._x_cffi.lib.add(3, 4)
    assert spy.names() == ["add", "neg", "add"]
    assert learner.twice is lib.twice  # passed through, as asked
    monkeypatch.undo()
    assert learner.lib is lib
    assert compiled.lib is lib
    assert learner.add is lib.add
    assert with_default.__defaults__ == (lib.neg,)


def test_install_without_a_built_module(ffi, monkeypatch):
    """ABI mode, a lib the learner's module opened itself: no built module to patch."""
    lib = _Lib(ffi)
    learner = types.ModuleType("learner")
    learner.lib = lib
    learner.neg = lib.neg
    spy = install_lib_spy(learner, None, monkeypatch, LibSpy(lib))
    learner.lib.add(1, 1)
    learner.neg(2)
    assert spy.names() == ["add", "neg"]


# --- ExerciseFiles --------------------------------------------------------------------------------


def test_traceback_shows_the_learners_lines_as_they_know_them(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    (scratch / "01_setup").mkdir(parents=True)
    (scratch / "01_setup" / "api_calc.py").write_text("def add(a, b):\n    return a + c\n", encoding="utf-8")
    monkeypatch.setenv("GRADER_EXERCISE", "01_setup/api_calc")
    monkeypatch.setenv("GRADER_SCRATCH_TREE", str(scratch))
    monkeypatch.setenv("GRADER_DISPLAY_TREE", "exercises")
    monkeypatch.setattr(sys, "path", list(sys.path))  # import_module() puts the lesson folder on it
    exercise = grader.testing.ExerciseFiles()
    try:
        calc = exercise.import_module("api_calc")
        with pytest.raises(NameError) as caught:
            calc.add(1, 2)
    finally:
        sys.modules.pop("api_calc", None)
    shown = exercise.traceback(caught.value)
    assert shown == (
        "  exercises/01_setup/api_calc.py, line 2\n    return a + c\nNameError: name 'c' is not defined"
    ), shown
    assert exercise.show("api_calc.py") == "exercises/01_setup/api_calc.py"
