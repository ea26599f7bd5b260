"""Grader for 01_setup/hello: a compiled module _hello_cffi with int add(int, int)."""

import pytest

BUILDER = "hello_build.py"


@pytest.fixture(scope="module")
def hello(exercise):
    return exercise.build(BUILDER)


def _add(hello):
    if not hasattr(hello.lib, "add"):
        pytest.fail(
            "the compiled module has no function `add`. Declare it in ffibuilder.cdef() "
            "and write its C code in ffibuilder.set_source()."
        )
    return hello.lib.add


def test_module_name(hello):
    assert hello.module_name == "_hello_cffi", (
        f"set_source() names the module {hello.module_name!r}, expected '_hello_cffi'"
    )


def test_add_is_declared(hello):
    _add(hello)


def test_add_signature(hello):
    ctype = hello.ffi.typeof(_add(hello))
    got = ctype.cname
    assert got == "int(*)(int, int)", (
        f"ffi.typeof(lib.add) is {got!r}, expected 'int(*)(int, int)': "
        "add takes two ints and returns an int"
    )


@pytest.mark.parametrize("a, b", [(5, 3), (0, 0), (-7, 2), (1000000, 2345678)])
def test_add_returns_the_sum(hello, a, b):
    got = _add(hello)(a, b)
    assert got == a + b, f"lib.add({a}, {b}) returned {got!r}, expected {a + b}"
