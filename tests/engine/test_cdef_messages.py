"""A CDefError is shown at the declaration's real line in the builder, even
after cffi has stripped #define lines (which shifts its own line numbers)."""

from __future__ import annotations

import textwrap

import pytest

from grader.build import BuildError, Paths, load_builder


def test_line_after_a_define_is_the_real_one(tmp_path):
    folder = tmp_path / "tree" / "02_x"
    folder.mkdir(parents=True)
    (folder / "b_build.py").write_text(textwrap.dedent('''\
        from cffi import FFI
        ffibuilder = FFI()
        ffibuilder.cdef("""
            int ok(int);

            /* a comment cffi strips with the define */
            #define N 3

            FOO double bad(double);
        """)
        ffibuilder.set_source("_b", "")
        '''))
    with pytest.raises(BuildError) as info:
        load_builder(folder / "b_build.py", Paths(tmp_path / "tree", "exercises"))
    message = str(info.value)
    assert info.value.kind == "cdef"
    assert "exercises/02_x/b_build.py, line 9\n    FOO double bad(double);" in message, message
