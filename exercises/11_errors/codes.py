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


# TODO: map each error status to its class, with the library's names (lib.KV_ENOTFOUND, ...),
#       never numbers.
ERRORS = {}


def check(code):
    """Return None for lib.KV_OK; raise the exception that matches any other status."""
    # TODO: nothing to do for lib.KV_OK. Any other status is a failure, one missing from ERRORS
    #       too: raise its class from ERRORS (KVError itself for an unknown status) as
    #       cls(code, message), with the message from lib.kv_strerror(code) as a str.
    raise NotImplementedError("check is not written yet")


class Store:
    """A kv store: store.put("a", 1), store.get("a") -> 1, store.delete("a")."""

    def __init__(self, capacity):
        # TODO: kv_open(capacity, status) with status = ffi.new("int *"). On NULL, the status
        #       is in status[0]: check it. Otherwise keep the store, closed by the garbage
        #       collector: self._p = ffi.gc(p, lib.kv_close).
        raise NotImplementedError("Store.__init__ is not written yet")

    def put(self, key, value):
        # TODO: kv_put with the key as UTF-8 bytes; check the status it returns.
        raise NotImplementedError("Store.put is not written yet")

    def get(self, key):
        # TODO: kv_get with an int * for the value; check the status before reading the value.
        raise NotImplementedError("Store.get is not written yet")

    def delete(self, key):
        # TODO: kv_delete; check the status it returns.
        raise NotImplementedError("Store.delete is not written yet")
