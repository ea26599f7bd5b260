"""Lesson 16's messages about the init code: cffi's line numbers mapped to the builder's lines.

Pure text: made-up builder scripts and what a host or a builder printed (copied from real
runs on CPython and PyPy, with the machine's paths changed), fed to grader/embedding.py.
cffi numbers the init code from the first line of the string that is not blank, so the
builder's line is neither the literal's line plus N nor N; where the text does not say
which line for sure, no line is named.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.embedding import FOLDED, builder_line, explain_output

SHOWN = "exercises/16_embedding/celsius_build.py"

# Line 9 opens the string; cffi drops its first (empty) line, so line 10 is the init code's line 1.
BUILDER = '''from cffi import FFI

ffibuilder = FFI()

ffibuilder.embedding_api("int parse_celsius(const char *text, double *out, char *error, int size);")

ffibuilder.set_source("celsius", "")

ffibuilder.embedding_init_code("""
    from celsius import ffi

    LIMIT = -273.15
    oops = undefined_name + 1

    def _write(error, size, message):
        data = message.encode("utf-8")[:size - 1]
        ffi.memmove(error, data + b"\\\\0", len(data) + 1)

    @ffi.def_extern(error=-1)
    def parse_celsius(text, out, error, size):
        out[0] = float(ffi.string(text))
        return 0
""")

if __name__ == "__main__":
    ffibuilder.compile(target="libcelsius.*", verbose=True)
'''

# What celsius_host printed on CPython when line 13 (the init code's line 4) raised.
CPYTHON_HOST = """parse_celsius() left no NUL in the 64 bytes of error it was given
Failed to initialize the Python-CFFI embedding logic:

Traceback (most recent call last):
  File "<init code for 'celsius'>", line 4, in <module>
NameError: name 'undefined_name' is not defined

From: celsius
compiled with cffi version: 2.1.1
_cffi_backend module: '/venv/lib/python3.11/site-packages/_cffi_backend.cpython-311-x86_64-linux-gnu.so'
sys.path: ['/venv/lib/python3.11/site-packages', '/usr/lib/python3.11']

function celsius.parse_celsius() called, but initialization code failed.  Returning 0.
"""

# The same on PyPy 7.3 (run by hand: this machine's PyPy names its library as cffi does not look for it).
PYPY_HOST = """parse_celsius() left no NUL in the 64 bytes of error it was given
Exception ignored initialization of 'celsius'
Traceback (most recent call last):
  File "<init code for 'celsius'>", line 4, in <module>
NameError: name 'undefined_name' is not defined
pypy3 version: 7.3.11
sys.path: ['/usr/lib/pypy3.9', '/usr/lib/python3/dist-packages']
function celsius.parse_celsius() called, but initialization code failed.  Returning 0.
"""

# `python celsius_build.py` when the init code's line 4 does not compile (CPython and PyPy alike).
SYNTAX_ERROR = """Traceback (most recent call last):
  File "celsius_build.py", line 9, in <module>
    ffibuilder.embedding_init_code(\"\"\"
  File "/venv/lib/python3.11/site-packages/cffi/api.py", line 770, in embedding_init_code
    compile(pysource, "cffi_init", "exec")
  File "cffi_init", line 4
    oops = undefined_name + 1
           ^
SyntaxError: invalid syntax"""

# A function that raised after a good start: a traceback of cffi's callback, no failed init.
FUNCTION_RAISED = """From cffi callback <function parse_celsius at 0x7f0c2a1b2c10>:
Traceback (most recent call last):
  File "<init code for 'celsius'>", line 12, in parse_celsius
ValueError: could not convert string to float: b'abc'
rc=0 value=-999.5 error=[]
"""


@pytest.fixture
def builder(tmp_path: Path) -> Path:
    path = tmp_path / "celsius_build.py"
    path.write_text(BUILDER, encoding="utf-8")
    return path


def show(path: Path) -> str:
    return SHOWN


def _with_init_code(literal: str, before: str = "") -> str:
    return f"from cffi import FFI\nffibuilder = FFI()\n{before}ffibuilder.embedding_init_code({literal})\n"


def test_lines_counted_from_the_first_line_of_code():
    assert builder_line(BUILDER, 1) == 10
    assert builder_line(BUILDER, 4) == 13
    assert builder_line(BUILDER, 13) == 22
    assert builder_line(BUILDER, 15) is None, "past the string's end"
    assert builder_line(BUILDER, 0) is None
    # Several blank lines first: all dropped, not just one.
    assert builder_line(_with_init_code('"""\n\n   \n    import math\n    x = 1\n"""'), 2) == 7
    # Code on the line of the opening quote: that line is line 1.
    assert builder_line(_with_init_code('"""import math\nx = 1\n"""'), 2) == 4
    # Blank lines in the middle count.
    assert builder_line(_with_init_code('"""\n    a = 1\n\n\n    b = 2\n"""'), 4) == 7
    # pysource= by name, a raw string, escapes that leave the lines alone ("\\0", "\\d").
    assert builder_line(_with_init_code('pysource="""\n    a = 1\n    b = 2\n"""'), 2) == 5
    assert builder_line(_with_init_code('r"""\n    import re\n    P = re.compile("\\d+")\n"""'), 2) == 5
    assert builder_line(_with_init_code('"""\n    a = b"\\\\0"\n    b = "\\d"\n"""'), 2) == 5


@pytest.mark.parametrize(
    "source",
    [
        _with_init_code("CODE", before='CODE = """\n    a = 1\n    b = 2\n"""\n'),  # a variable
        _with_init_code('open("init.py").read()'),  # a file's text
        _with_init_code('f"""\n    a = {1}\n    b = 2\n"""'),  # an f-string
        _with_init_code('"    a = 1\\n"\n    "    b = 2\\n"'),  # literals side by side
        _with_init_code('"""\n    a = 1\\n    b = 2\n    c = 3\n"""'),  # an escaped newline
        _with_init_code('"""\n    a = 1 + \\\n    2\n    b = 2\n"""'),  # a backslash joining two lines
        _with_init_code('"""\n    a = 1\n    b = 2\n"""') + 'ffibuilder.embedding_init_code("x = 1")\n',  # twice
        "ffibuilder.embedding_init_code(\n",  # does not parse
    ],
    ids=["variable", "file", "f-string", "side-by-side", "escaped-newline", "backslash", "twice", "no-parse"],
)
def test_no_line_where_the_text_cannot_say_for_sure(source):
    assert builder_line(source, 2) is None


def test_cpython_init_failure_names_the_builder_line_and_folds_cffi_report(builder):
    shown = explain_output(CPYTHON_HOST, builder, show)
    assert f"""File "<init code for 'celsius'>", line 4, in <module> ({SHOWN}, line 13)\n""" in shown
    assert "\n    oops = undefined_name + 1\nNameError: name 'undefined_name' is not defined" in shown
    assert FOLDED in shown
    for noise in ("sys.path: [", "_cffi_backend module:", "compiled with cffi version", "/venv/"):
        assert noise not in shown
    assert f"Your init code raised at {SHOWN}, line 13 (line 4 of the init code" in shown
    assert shown.rstrip().endswith("Fix that line and grade again.")


def test_pypy_init_failure_too(builder):
    shown = explain_output(PYPY_HOST, builder, show)
    assert f", line 4, in <module> ({SHOWN}, line 13)\n    oops = undefined_name + 1\n" in shown
    assert "pypy3 version" not in shown
    assert "sys.path: [" not in shown
    assert FOLDED in shown
    assert f"Your init code raised at {SHOWN}, line 13" in shown


def test_a_syntax_error_found_by_the_builder(builder):
    shown = explain_output(SYNTAX_ERROR, builder, show)
    assert f'File "cffi_init", line 4 ({SHOWN}, line 13)\n    oops = undefined_name + 1\n           ^\n' in shown, (
        "Python quotes the line itself: not twice"
    )
    assert (
        f"compiles your init code as soon as the builder calls it, and it does not compile: the error is at {SHOWN}, line 13"
        in shown
    )
    assert "run `python celsius_build.py` to check" in shown


def test_a_function_that_raised_gets_its_line_but_no_advice_on_the_init_code(builder):
    shown = explain_output(FUNCTION_RAISED, builder, show)
    assert f", line 12, in parse_celsius ({SHOWN}, line 21)\n    out[0] = float(ffi.string(text))\n" in shown
    assert "Your init code raised" not in shown


def test_init_code_not_a_literal_says_how_cffi_counts_without_a_line(tmp_path):
    path = tmp_path / "celsius_build.py"
    path.write_text(
        BUILDER.replace('ffibuilder.embedding_init_code("""', 'CODE = ("""').replace(
            '""")\n', '""")\nffibuilder.embedding_init_code(CODE)\n', 1
        ),
        encoding="utf-8",
    )
    shown = explain_output(CPYTHON_HOST, path, show)
    assert f"({SHOWN}, line" not in shown
    assert "line 13" not in shown
    assert (
        f"Your init code raised at the init code's line 4 (cffi counts from the first line of the string that is not blank, not from the top of {SHOWN})."
        in shown
    )


def test_output_without_init_code_frames_is_only_folded(builder):
    text = "rc=0 value=1 error=[]\r\nrc=-1 value=-999.5 error=[ValueError: x]\r\n"
    assert explain_output(text, builder, show) == text.replace("\r\n", "\n")
    assert explain_output(CPYTHON_HOST) == CPYTHON_HOST.split("From: celsius")[0] + FOLDED + (
        "function celsius.parse_celsius() called, but initialization code failed.  Returning 0.\n"
    )
