"""Exercise 11_errors/codes: a C library's error codes as Python exceptions.

codes_build.py (given: nothing to change there) compiles ``_codes_cffi``, a
small key-value store whose functions return a status: lib.KV_OK (0) or a
negative code (lib.KV_ENOTFOUND, lib.KV_EFULL, lib.KV_EINVAL, lib.KV_ENOMEM),
with a message for each from lib.kv_strerror(code).

    kv_store *kv_open(int capacity, int *status);   NULL, and the status in *status
    int kv_put(kv_store *s, const char *key, int value);
    int kv_get(kv_store *s, const char *key, int *value);   the value in *value
    int kv_delete(kv_store *s, const char *key);
    void kv_close(kv_store *s);

The exception classes are written below. Write the table ERRORS, the function
check(code) and the methods of Store, so that every failure in C becomes the
matching exception, with the library's own message, and success raises nothing.

Grade it:  nox -s grade -- 11_errors/codes
"""

from _codes_cffi import ffi, lib


class KVError(Exception):
    """An error from the kv library: .code is its status, .message its kv_strerror() text.

    Raised as it is for a status the table below does not know (a newer library
    may add some); the subclasses below for the others."""

    def __init__(self, code, message):
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self):
        return f"{self.message} (kv status {self.code})"


class KeyNotFoundError(KVError, KeyError):
    """KV_ENOTFOUND. Also a KeyError, so that `except KeyError` works as for a dict."""


class StoreFullError(KVError):
    """KV_EFULL."""


class InvalidArgumentError(KVError, ValueError):
    """KV_EINVAL. Also a ValueError."""


class OutOfMemoryError(KVError, MemoryError):
    """KV_ENOMEM. Also a MemoryError."""


ERRORS = {}  # not used: check() below is a chain of comparisons, which works as well


def check(code):
    """Return None for lib.KV_OK; raise the exception that matches any other status."""
    if code == lib.KV_OK:
        return None
    message = ffi.string(lib.kv_strerror(code)).decode()
    if code == lib.KV_ENOTFOUND:
        cls = KeyNotFoundError
    elif code == lib.KV_EFULL:
        cls = StoreFullError
    elif code == lib.KV_EINVAL:
        cls = InvalidArgumentError
    elif code == lib.KV_ENOMEM:
        cls = OutOfMemoryError
    else:
        cls = KVError
    raise cls(code, message)


class Store:
    """A kv store: store.put("a", 1), store.get("a") -> 1, store.delete("a")."""

    def __init__(self, capacity):
        status = ffi.new("int[1]")
        p = lib.kv_open(capacity, status)
        check(status[0])
        self._p = ffi.gc(p, lib.kv_close)

    def _call(self, func, key, *rest):
        check(func(self._p, key.encode("utf-8"), *rest))

    def put(self, key, value):
        self._call(lib.kv_put, key, value)

    def get(self, key):
        out = ffi.new("int *")
        self._call(lib.kv_get, key, out)
        return out[0]

    def delete(self, key):
        self._call(lib.kv_delete, key)
