"""Exercise 01_setup/hello: your first compiled C function.

Complete this builder so that it compiles a module named ``_hello_cffi`` with
one C function, ``int add(int a, int b)``, that returns ``a + b``.

Grade it:  nox -s grade -- 01_setup/hello
"""

from cffi import FFI

ffibuilder = FFI()

# TODO: declare the C function `add` for Python here.
ffibuilder.cdef("""
""")

ffibuilder.set_source(
    "_hello_cffi",
    """
    /* TODO: write the C function `add` here. */
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
