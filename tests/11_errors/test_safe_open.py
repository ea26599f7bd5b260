"""Grader for 11_errors/safe_open: C's NULL/-1 and errno become the right OSError.

safe_open_build.py (given) compiles ``_safe_open_cffi``: sf_open, sf_read_line and
sf_close, which fail with NULL or -1 and set errno; sf_close always changes errno.
Its test hook ``sf_fail_next(stage, error)`` makes the next open or read fail
with a chosen errno (this machine may run as root, for which no file is
unreadable), and ``sf_open_files()`` counts the files left open.

Checked through ``read_first_line(path)`` only: it returns the first line of
real files; a missing file raises FileNotFoundError, a directory the OSError
subclass that matches what C reports on this system, an open refused with
EACCES a PermissionError, a read failing with EIO or EACCES an OSError with
that errno (read before sf_close changes it). Every exception carries the
errno, ``os.strerror(errno)`` and the path as given, like Python's open(); a
success after a failure (errno still set from it) returns normally; and no
file is left open on any path.
"""

from __future__ import annotations

import errno
import os

import pytest

BUILDER = "safe_open_build.py"


@pytest.fixture(scope="module")
def built(exercise):
    return exercise.build_module(BUILDER)


@pytest.fixture(scope="module")
def safe_open(exercise, built):
    return exercise.import_module("safe_open")


def _name(code):
    return errno.errorcode.get(code, str(code))


def _function(safe_open):
    func = getattr(safe_open, "read_first_line", None)
    if not callable(func):
        pytest.fail("safe_open.py has no function read_first_line(path): keep the starter's `def read_first_line`.")
    return func


def _call(safe_open, path):
    """('ok', value) or ('raised', exception) for read_first_line(path)."""
    try:
        return "ok", _function(safe_open)(path)
    except NotImplementedError:
        pytest.fail("read_first_line raised NotImplementedError: replace the TODOs of safe_open.py with your code.")
    except Exception as exc:
        return "raised", exc


def _describe(exc):
    return (
        f"{type(exc).__name__}({exc}) with errno={getattr(exc, 'errno', None)!r}, "
        f"filename={getattr(exc, 'filename', None)!r}"
    )


def _check_open_files(built, before, what):
    left = built.lib.sf_open_files() - before
    if left > 0:
        pytest.fail(
            f"After {what}, {left} file(s) opened by sf_open were still open: call lib.sf_close(f) on "
            "every path once sf_open succeeded, the failing read included (try/finally)."
        )
    if left < 0:
        pytest.fail(
            f"After {what}, sf_close had been called more often than sf_open succeeded: close only a "
            "file that sf_open returned (not NULL), once."
        )


def _expect_oserror(safe_open, built, path, code, what, hint=""):
    """read_first_line(path) must raise OSError(code, os.strerror(code), path), of the class Python picks."""
    before = built.lib.sf_open_files()
    call = f"read_first_line({path!r}) ({what})"
    stale = built.ffi.errno
    status, got = _call(safe_open, path)
    want_type = type(OSError(code, os.strerror(code), path))
    want = f"{want_type.__name__} with errno {code} ({_name(code)}), strerror {os.strerror(code)!r}, filename {path!r}"
    if status == "ok":
        pytest.fail(
            f"{call} returned {got!r}; expected {want}. C returned NULL or -1: check the return value "
            f"of each call and raise OSError(code, os.strerror(code), path).{hint}"
        )
    if not isinstance(got, OSError):
        pytest.fail(
            f"{call} raised {type(got).__name__}: {got}; expected {want}. Build it as "
            "OSError(code, os.strerror(code), path) with code = ffi.errno, read right after the failing call."
        )
    if got.errno != code:
        detail = ""
        if got.errno is None:
            detail = (
                " An OSError made from a message alone has errno None, and Python cannot pick its subclass: "
                "give it three arguments, OSError(code, os.strerror(code), path)."
            )
        elif got.errno == 0:
            detail = (
                " errno 0 means ffi.errno was read after another C call reset it: sf_close sets errno "
                "(C functions may change it even when they succeed). Read ffi.errno right after the call "
                "that failed, before closing."
            )
        elif got.errno == stale:
            detail = (
                f" {got.errno} is the value ffi.errno already held before this call, left by an earlier "
                "failure: a call that succeeds does not reset errno. Was the failure decided from ffi.errno "
                "instead of the return value (NULL, -1)?"
            )
        pytest.fail(f"{call} raised {_describe(got)}; expected {want}.{detail}{hint}")
    if type(got) is not want_type:
        pytest.fail(
            f"{call} raised {_describe(got)}; expected the class {want_type.__name__}. Do not choose the "
            "class yourself: OSError(code, os.strerror(code), path) picks it from the errno."
        )
    if got.strerror != os.strerror(code):
        pytest.fail(
            f"{call} raised {_describe(got)} whose strerror is {got.strerror!r}; expected "
            f"os.strerror({code}) = {os.strerror(code)!r}, the system's message for that errno."
        )
    if got.filename != path or type(got.filename) is not type(path):
        pytest.fail(
            f"{call} raised {_describe(got)}; its filename must be the path as the caller gave it, "
            f"{path!r} (a str, not the bytes passed to C), so that the message reads like Python's own "
            f"open(): {str(want_type(code, os.strerror(code), path))!r}."
        )
    _check_open_files(built, before, call)
    return got


def _expect_line(safe_open, built, path, want, what):
    before = built.lib.sf_open_files()
    call = f"read_first_line({path!r}) ({what})"
    status, got = _call(safe_open, path)
    if status == "raised":
        pytest.fail(
            f"{call} raised {_describe(got)}; expected it to return {want!r}. Decide success or failure "
            "from the return value of each C call (NULL, -1), never from ffi.errno alone: errno keeps "
            "its old value when a call succeeds."
        )
    if got != want:
        blanks = (
            " Spaces and tabs at the start or end belong to the line: sf_read_line already removed the line "
            "end, so remove nothing more (.strip() removes them too)."
            if isinstance(got, str) and got != want and got.strip() == want.strip()
            else ""
        )
        pytest.fail(
            f"{call} returned {got!r}; expected {want!r}: the first line as a str, without its line end "
            f"(ffi.unpack(buf, n).decode('utf-8') with n from sf_read_line).{blanks}"
        )
    _check_open_files(built, before, call)


LINES = [
    ("two-lines.txt", b"first line\nsecond line\n", "first line"),
    ("no-newline.txt", b"only line", "only line"),
    ("empty.txt", b"", ""),
    ("crlf.txt", b"caf\xc3\xa9 au lait\r\nmore\r\n", "café au lait"),
    ("blank-first.txt", b"\nsecond\n", ""),
    # Spaces and tabs are part of the line: only the line end goes (a .strip() would eat them too).
    ("spaces-and-tabs.txt", b"\t  indented, with spaces after \t \r\nnext\n", "\t  indented, with spaces after \t "),
    ("only-blanks.txt", b" \t \n", " \t "),
]


@pytest.mark.parametrize(("name", "content", "want"), LINES, ids=[n for n, _, _ in LINES])
def test_reads_the_first_line(safe_open, built, tmp_path, name, content, want):
    path = tmp_path / name
    path.write_bytes(content)
    _expect_line(safe_open, built, str(path), want, f"a file holding {content!r}")


def test_missing_file_is_filenotfounderror(safe_open, built, tmp_path):
    path = str(tmp_path / "does-not-exist.txt")
    exc = _expect_oserror(safe_open, built, path, errno.ENOENT, "a file that does not exist")
    if not isinstance(exc, FileNotFoundError):  # already implied; said plainly for the learner
        pytest.fail(f"read_first_line({path!r}) raised {_describe(exc)}; expected FileNotFoundError.")


def _c_errno_for(built, path):
    """What C itself reports for `path`: the errno of the first failing call (None if nothing fails)."""
    ffi, lib = built.ffi, built.lib
    f = lib.sf_open(os.fsencode(path))
    if f == ffi.NULL:
        return ffi.errno
    buf = ffi.new("char[]", 64)
    n = lib.sf_read_line(f, buf, 64)
    code = ffi.errno
    lib.sf_close(f)
    return code if n < 0 else None


def test_directory_raises_what_c_reports(safe_open, built, tmp_path):
    path = str(tmp_path)
    code = _c_errno_for(built, path)
    if code is None:
        pytest.skip("on this system, C reads a directory without an error")
    # On Linux and macOS fopen succeeds and the read fails with EISDIR; on Windows fopen fails with EACCES.
    _expect_oserror(safe_open, built, path, code, f"a directory: C reports errno {code} ({_name(code)}) here")


def test_open_refused_is_permissionerror(safe_open, built, tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("classified\n")
    built.lib.sf_fail_next(built.lib.SF_OPEN, errno.EACCES)
    try:
        _expect_oserror(
            safe_open,
            built,
            str(path),
            errno.EACCES,
            "sf_open made to fail with EACCES, as for a file you may not read",
        )
    finally:
        built.lib.sf_fail_next(0, 0)


@pytest.mark.parametrize("code", [errno.EIO, errno.EACCES], ids=["EIO", "EACCES"])
def test_read_error_keeps_its_errno(safe_open, built, tmp_path, code):
    path = tmp_path / "flaky.txt"
    path.write_text("data\n")
    built.lib.sf_fail_next(built.lib.SF_READ, code)
    try:
        _expect_oserror(
            safe_open,
            built,
            str(path),
            code,
            f"sf_open succeeds, then sf_read_line made to fail with {_name(code)}",
            hint=" The read failed after the file was opened: the file must still be closed, "
            "and errno read before sf_close.",
        )
    finally:
        built.lib.sf_fail_next(0, 0)


def test_success_after_a_failure(safe_open, built, tmp_path):
    missing = str(tmp_path / "missing.txt")
    _call(safe_open, missing)
    good = tmp_path / "good.txt"
    good.write_text("fine\n")
    # errno is still ENOENT from the failure above, and a successful call does not reset it.
    built.ffi.errno = errno.ENOENT
    _expect_line(safe_open, built, str(good), "fine", "right after a failure, while ffi.errno is still ENOENT")
    built.lib.sf_fail_next(built.lib.SF_READ, errno.EIO)
    try:
        _call(safe_open, str(good))
    finally:
        built.lib.sf_fail_next(0, 0)
    _expect_line(safe_open, built, str(good), "fine", "right after a failed read")
