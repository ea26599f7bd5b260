# ruff: noqa: UP006, UP007, UP035  (the older spelling, on purpose: typing.Union, List, Tuple work too)
from typing import Final, List, Tuple, Union

import cffi

ffi: cffi.FFI

# lib as a class of static methods: mypy reads lib.clamp(...) the same way.
class lib:
    MAX_LABEL: Final[int]
    @staticmethod
    def clamp(__value: int, __low: int, __high: int) -> int: ...
    @staticmethod
    def mean(__values: Union[cffi.FFI.CData, List[float], Tuple[float, ...]], __n: int) -> float: ...
    @staticmethod
    def count_char(__text: Union[bytes, cffi.FFI.CData], __c: bytes) -> int: ...
    @staticmethod
    def reset() -> None: ...
