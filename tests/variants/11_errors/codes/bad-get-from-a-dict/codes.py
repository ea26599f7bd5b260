"""A likely mistake: the Store keeps its values in a dict too, and get() answers from it.

kv_get is still called, for its status.

Exercise 11_errors/codes: a C library's error codes as Python exceptions.

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


# The library's names, never its numbers: the constants come from the C header.
ERRORS = {
    lib.KV_ENOTFOUND: KeyNotFoundError,
    lib.KV_EFULL: StoreFullError,
    lib.KV_EINVAL: InvalidArgumentError,
    lib.KV_ENOMEM: OutOfMemoryError,
}


def check(code):
    """Return None for lib.KV_OK; raise the exception that matches any other status."""
    if code == lib.KV_OK:
        return
    # Any status other than KV_OK is a failure, also one this table has never heard of.
    message = ffi.string(lib.kv_strerror(code)).decode("utf-8")
    raise ERRORS.get(code, KVError)(code, message)


class Store:
    """A kv store: store.put("a", 1), store.get("a") -> 1, store.delete("a")."""

    def __init__(self, capacity):
        # kv_open returns the store, so its status comes back through an out-parameter.
        status = ffi.new("int *")
        p = lib.kv_open(capacity, status)
        if p == ffi.NULL:
            check(status[0])
            raise KVError(status[0], "kv_open returned NULL")  # only if C broke its promise
        self._p = ffi.gc(p, lib.kv_close)
        self._values = {}  # "quicker than asking C again"

    def put(self, key, value):
        check(lib.kv_put(self._p, key.encode("utf-8"), value))
        self._values[key] = value

    def get(self, key):
        value = ffi.new("int *")
        # The status first: *value is only written when it is KV_OK.
        check(lib.kv_get(self._p, key.encode("utf-8"), value))
        return self._values[key]

    def delete(self, key):
        check(lib.kv_delete(self._p, key.encode("utf-8")))
        del self._values[key]
