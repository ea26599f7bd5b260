"""Grader for 01_setup/hello: a compiled module _hello_cffi with int add(int, int)."""

import pytest

BUILDER = "hello_build.py"
SIGNATURE = "int(*)(int, int)"


@pytest.fixture(scope="module")
def hello(exercise):
    return exercise.build_module(BUILDER)


def _add(hello):
    if not hasattr(hello.lib, "add"):
        pytest.fail(
            "the compiled module has no function `add`: lib only has what cdef() declares. "
            "Declare `int add(int a, int b);` in ffibuilder.cdef() and write the function with its "
            "body in ffibuilder.set_source()."
        )
    return hello.lib.add


def test_module_name(hello):
    if hello.module_name != "_hello_cffi":
        pytest.fail(f"set_source() names the module {hello.module_name!r}, expected '_hello_cffi'")


def test_add_is_declared(hello):
    _add(hello)


def test_add_signature(hello):
    got = hello.ffi.typeof(_add(hello)).cname
    if got != SIGNATURE:
        pytest.fail(
            f"ffi.typeof(lib.add) is {got!r}, expected {SIGNATURE!r}: add takes two ints and returns an int. "
            "Use `int` for both parameters and the result, in cdef() and in the C code."
        )


@pytest.mark.parametrize(("a", "b"), [(5, 3), (0, 0), (-7, 2), (1000000, 2345678)])
def test_add_returns_the_sum(hello, a, b):
    add = _add(hello)
    try:
        got = add(a, b)
    except Exception as exc:
        pytest.fail(f"lib.add({a}, {b}) raised {type(exc).__name__}: {exc}; expected it to return {a + b}")
    if got != a + b:
        pytest.fail(f"lib.add({a}, {b}) returned {got!r}, expected {a + b}")
