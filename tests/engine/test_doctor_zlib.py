"""The doctor's zlib check (lesson 15 only): a missing header or library is a note that says
what to install on this system, and never makes the doctor fail for lessons 01-14."""

from __future__ import annotations

import os
import shutil

import pytest

from grader import doctor

needs_gcc_or_clang = pytest.mark.skipif(
    os.name == "nt" or not (shutil.which("gcc") or shutil.which("clang")),
    reason="the messages simulated here are gcc's, clang's and ld's",
)


def test_zlib_found_here():
    check = doctor.check_zlib(doctor.system_kind())
    assert check.ok, check
    assert check.detail.startswith("built, imported and called a module linked with zlib ")
    assert not check.required


@needs_gcc_or_clang
def test_a_missing_header_is_a_note_with_the_package_to_install():
    check = doctor.check_zlib("debian", header="zlib_not_installed_here.h")
    assert (check.ok, check.required) == (False, False)
    assert check.detail.startswith("zlib's header is not installed:\n"), check.detail
    assert "zlib_not_installed_here.h" in check.detail, "the compiler's own line is shown"
    assert "`sudo apt install zlib1g-dev`" in check.fix


@needs_gcc_or_clang
def test_a_missing_library_is_a_note_with_the_package_to_install():
    check = doctor.check_zlib("fedora", package="no-such-pkg-config-package", library="z_not_installed_here")
    assert (check.ok, check.required) == (False, False)
    assert check.detail.startswith("zlib's library was not found:\n"), check.detail
    assert "z_not_installed_here" in check.detail
    assert "`sudo dnf install zlib-devel`" in check.fix


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("debian", "sudo apt install zlib1g-dev"),
        ("wsl-debian", "sudo apt install zlib1g-dev"),
        ("fedora", "sudo dnf install zlib-devel"),
        ("macos", "xcode-select --install"),
        ("windows", "conda install zlib"),
        ("windows", "vcpkg install zlib:x64-windows"),
    ],
)
def test_advice_for_each_system(kind, words):
    assert words in doctor.zlib_advice(kind, "header")


def test_zlib_missing_does_not_fail_the_doctor():
    fine = doctor.Check("C compiler and Python headers", True, "built")
    note = doctor.Check(doctor.ZLIB_NAME, False, "zlib's header is not installed", "install it", required=False)
    assert doctor.passed([fine, note])
    assert not doctor.passed([doctor.Check("cffi", False, "missing"), note])
