"""A CDefError is shown at the declaration's real line in the builder, even
after cffi has stripped #define lines (which shifts its own line numbers)."""

from __future__ import annotations

import textwrap

import pytest

from grader.build import BuildError, Paths, load_builder


def test_line_after_a_define_is_the_real_one(tmp_path):
    folder = tmp_path / "tree" / "02_x"
    folder.mkdir(parents=True)
    (folder / "b_build.py").write_text(
        textwrap.dedent('''\
        from cffi import FFI
        ffibuilder = FFI()
        ffibuilder.cdef("""
            int ok(int);

            /* a comment cffi strips with the define */
            #define N 3

            FOO double bad(double);
        """)
        ffibuilder.set_source("_b", "")
        ''')
    )
    with pytest.raises(BuildError) as info:
        load_builder(folder / "b_build.py", Paths(tmp_path / "tree", "exercises"))
    message = str(info.value)
    assert info.value.kind == "cdef"
    if not _parser_reports_lines():
        # PyPy's cffi 1.15 bundles an old pycparser that says only "At end of input": the best the
        # engine can show is the cdef() call, still in the learner's file.
        assert "exercises/02_x/b_build.py, line 3" in message, message
        assert "At end of input" in message, message
        return
    assert "exercises/02_x/b_build.py, line 9\n    FOO double bad(double);" in message, message


def _parser_reports_lines() -> bool:
    from cffi import FFI, CDefError

    try:
        FFI().cdef("int ok(int);\nFOO double bad(double);")
    except CDefError as exc:
        return ":2:" in str(exc)
    return True


def _load(tmp_path, cdef: str) -> str:
    """load_builder's message for a builder whose cdef() holds `cdef`, at line 4 onwards."""
    folder = tmp_path / "tree" / "02_x"
    folder.mkdir(parents=True)
    (folder / "b_build.py").write_text(
        'from cffi import FFI\nffibuilder = FFI()\nffibuilder.cdef("""\n' + cdef + '""")\n'
        'ffibuilder.set_source("_b", "")\n'
    )
    with pytest.raises(BuildError) as info:
        load_builder(folder / "b_build.py", Paths(tmp_path / "tree", "exercises"))
    assert info.value.kind == "cdef"
    return str(info.value)


def test_a_float_define_is_shown_at_its_line_with_static_const_double(tmp_path):
    message = _load(tmp_path, "    int ok(int);\n\n    #define RATIO 0.2\n")
    # the #define's own line (6), not the cdef(""" line (3), which is all cffi's traceback has
    assert "exercises/02_x/b_build.py, line 6\n    #define RATIO 0.2" in message, message
    assert "line 3" not in message, message
    # cffi suggests `#define RATIO ...`, which does not work for a double
    assert "`#define RATIO ...` does not work" in message, message
    assert "`static const double RATIO;`" in message, message


def test_an_expression_define_is_shown_at_its_line_without_the_float_advice(tmp_path):
    message = _load(tmp_path, "    #define PER_WEEK (PER_DAY * 7)\n    int ok(int);\n")
    assert "exercises/02_x/b_build.py, line 4\n    #define PER_WEEK (PER_DAY * 7)" in message, message
    assert "static const double" not in message, message


def test_a_duplicate_declaration_names_both_lines(tmp_path):
    message = _load(tmp_path, "    double twice(float);\n    int ok(int);\n    double twice(float);\n")
    assert "FFIError" in message, message
    assert (
        "exercises/02_x/b_build.py, line 4\n    double twice(float);\n"
        "  exercises/02_x/b_build.py, line 6\n    double twice(float);"
    ) in message, message
    assert "delete the extra declaration" in message, message
    assert "override=True" in message, message
