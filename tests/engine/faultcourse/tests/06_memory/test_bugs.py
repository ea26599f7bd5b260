"""Each check runs one memory bug; without memcheck most of them pass silently."""

import pytest


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module("bugs_build.py")


def test_overflow_in_c_file(built):
    p = built.lib.copy_short(b"hello")
    assert built.ffi.string(p) == b"hello"
    built.lib.release(p)


def test_use_after_free(exercise, built):
    bugs = exercise.import_module("bugs")
    assert bugs.first_letter(b"A") in range(256)


def test_read_past_array(built):
    values = built.ffi.new("int[]", [1, 2, 3])
    assert isinstance(built.lib.sum(values, 3), int)


def test_clean(built):
    assert built.lib.first(b"xyz") == ord("x")
