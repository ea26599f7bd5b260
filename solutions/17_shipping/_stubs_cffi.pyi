# Type hints for the compiled module _stubs_cffi (made by stubs_build.py).
# mypy reads this file instead of the .so, which it cannot look into.
from collections.abc import Sequence

from cffi import FFI

ffi: FFI

class _Lib:
    MAX_LABEL: int
    # lib's functions take their arguments by position only: the "/" says so.
    def clamp(self, value: int, low: int, high: int, /) -> int: ...
    # A double * takes a cdata (ffi.new("double[]", ...)) or a list of numbers.
    def mean(self, values: FFI.CData | Sequence[float], n: int, /) -> float: ...
    # A char * takes bytes or a cdata; a char takes bytes of length 1.
    def count_char(self, text: bytes | FFI.CData, c: bytes, /) -> int: ...
    def reset(self) -> None: ...

lib: _Lib
