"""Out-of-line ABI mode: generate _measure_abi.py once. No C compiler runs."""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent

ffibuilder = FFI()
ffibuilder.cdef("""
    int add(int a, int b);
    double rect_area(double width, double height);
""")
ffibuilder.set_source("_measure_abi", None)  # None instead of C source: ABI mode

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(HERE), verbose=True)
