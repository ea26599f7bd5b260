# Type hints for the compiled module _stubs_cffi (made by stubs_build.py).
# mypy reads this file instead of the .so, which it cannot look into.
from typing import Any

from cffi import FFI

ffi: FFI

# TODO: replace Any by a class that declares lib's constant and its four functions,
# with the types of their arguments and results (read the cdef in stubs_build.py).
lib: Any
