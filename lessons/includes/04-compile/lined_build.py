from pathlib import Path

from cffi import FFI

C_SOURCE = """
    int twice(int x)
    {
        return 2 * x
    }
"""

ffibuilder = FFI()
ffibuilder.cdef("int twice(int x);")
# "The next line is line 6 of this file": the compiler then counts from there.
line_directive = f'#line 6 "{Path(__file__).resolve().as_posix()}"'
ffibuilder.set_source("_lined_cffi", line_directive + C_SOURCE)

if __name__ == "__main__":
    ffibuilder.compile(tmpdir="lined", verbose=False)
