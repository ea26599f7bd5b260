"""Exercise 04_compile/digits: build into a folder you choose.

This builder describes a module named ``_digits_cffi`` with one C function,
``int digit_sum(int n)``, already written. What is missing is the build
step, as a function other code can call (a test suite, a packaging script,
the grader):

    build(outdir) -> path

``build(outdir)`` compiles the module into the folder ``outdir`` and returns
the path of the module file it built (the one Python imports: ``.so`` or
``.pyd``). It must write nothing anywhere else, and leave the current folder
as it found it.

Grade it:  nox -s grade -- 04_compile/digits
"""

from pathlib import Path

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int digit_sum(int n);
""")

ffibuilder.set_source(
    "_digits_cffi",
    """
    int digit_sum(int n)
    {
        int sum = 0;
        if (n < 0)
            n = -n;
        while (n > 0) {
            sum += n % 10;
            n /= 10;
        }
        return sum;
    }
    """,
)


def build(outdir):
    """Compile _digits_cffi into the folder outdir; return the path of the built module file."""
    # TODO: compile the module into outdir (and nowhere else), then return the path of the module file.
    raise NotImplementedError("build() is not written yet")


if __name__ == "__main__":
    # Build into a folder named "build" next to this script, wherever Python was started.
    print("built", build(str(Path(__file__).parent / "build")))
