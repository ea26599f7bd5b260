"""grader.testing.build_with_system_library: lesson 15's graders skip, with what to install,
where the machine has no zlib to build against; any other build error stays the learner's."""

from __future__ import annotations

import pytest

from grader.testing import BuildError, build_with_system_library

INSTALL = "Install zlib's development files."


class _Exercise:
    """Stands in for the `exercise` fixture: build_module() fails with the given message."""

    def __init__(self, message: str):
        self.message = message

    def build_module(self, builder: str):
        raise BuildError("compile", self.message)


@pytest.mark.parametrize(
    ("message", "what"),
    [
        ("_x.c:581:10: fatal error: zlib.h: No such file or directory", "its header, zlib.h"),  # gcc
        ("_x.c:581:10: fatal error: 'zlib.h' file not found", "its header, zlib.h"),  # clang
        (
            "_x.c(581): fatal error C1083: Cannot open include file: 'zlib.h': No such file or directory",
            "its header, zlib.h",
        ),  # MSVC
        ("/usr/bin/ld: cannot find -lz: No such file or directory", "the library (-lz)"),  # GNU ld
        ("ld: library not found for -lz", "the library (-lz)"),  # Apple's ld
    ],
)
def test_a_machine_without_zlib_skips_with_what_to_install(message, what):
    with pytest.raises(pytest.skip.Exception) as info:
        build_with_system_library(_Exercise(message), "x_build.py", "zlib.h", "z", INSTALL)
    assert str(info.value) == f"this machine cannot build against zlib: the compiler did not find {what}. {INSTALL}"


def test_msvc_link_error_names_zlib_lib():
    message = "LINK : fatal error LNK1181: cannot open input file 'zlib.lib'"
    with pytest.raises(pytest.skip.Exception):
        build_with_system_library(_Exercise(message), "x_build.py", "zlib.h", "zlib", INSTALL)


@pytest.mark.parametrize(
    "message",
    [
        "x_build.py:12: error: expected ';' before '}' token",
        "fatal error: zlib_helpers.h: No such file or directory",  # another header: the learner's
        "/usr/bin/ld: cannot find -lzstd: No such file or directory",  # another library
    ],
)
def test_other_build_errors_stay_errors(message):
    with pytest.raises(BuildError):
        build_with_system_library(_Exercise(message), "x_build.py", "zlib.h", "z", INSTALL)
