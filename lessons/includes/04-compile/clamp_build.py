"""Build the module _clamp_cffi into a folder named build, next to this script.

Run it from any folder: python path/to/clamp_build.py
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent  # this script's folder, wherever Python was started

ffibuilder = FFI()

ffibuilder.cdef("""
    int clamp(int x, int low, int high);
""")

ffibuilder.set_source(
    "_clamp_cffi",
    """
    int clamp(int x, int low, int high)
    {
        if (x < low)
            return low;
        if (x > high)
            return high;
        return x;
    }
    """,
)

# --8<-- [start:main]
if __name__ == "__main__":
    built = ffibuilder.compile(tmpdir=str(HERE / "build"), verbose=True)
    print("built", built)
# --8<-- [end:main]
