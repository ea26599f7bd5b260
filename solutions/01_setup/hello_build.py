"""Exercise 01_setup/hello: your first compiled C function.

Complete this builder so that it compiles a module named ``_hello_cffi`` with
one C function, ``int add(int a, int b)``, that returns ``a + b``.

Grade it:  nox -s grade -- 01_setup/hello
"""

from cffi import FFI

ffibuilder = FFI()

# The declaration tells cffi the function's name and types; no body here.
ffibuilder.cdef("""
    int add(int a, int b);
""")

ffibuilder.set_source(
    "_hello_cffi",
    """
    /* The definition: real C, compiled into the module. */
    int add(int a, int b) {
        return a + b;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
