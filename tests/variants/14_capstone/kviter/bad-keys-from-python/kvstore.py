"""A likely mistake: the Store remembers the keys it put in a Python list, and a loop yields them from there.

The C iterator still runs beside it (so a change during the loop is noticed, and an iterator is alive
while the loop runs), but the keys themselves never come from kv_iter_next.

Exercise 14_capstone: a Pythonic class around the C key/value store of kv.h (solution).

``Store`` is a mutable mapping from str keys to bytes values, kept in C:

    with Store(capacity=100) as store:
        store["name"] = b"value"        # kv_put
        store["name"]                   # kv_get, with the two-call protocol
        del store["name"]               # kv_delete
        "name" in store, len(store)     # kv_get, kv_count
        for key in store: ...           # the C iterator (exercise kviter)
        store.foreach(func)             # kv_foreach with a Python callback (exercise kviter)

Store subclasses collections.abc.MutableMapping: once the five methods
__getitem__, __setitem__, __delitem__, __len__ and __iter__ work, it adds
get(), keys(), values(), items(), pop(), update(), setdefault() and ==.

What each operation must do (the grader checks all of it, with edge cases):

- Keys are str, stored as UTF-8: TypeError for anything else. ValueError for
  a key C refuses (empty, more than lib.KV_MAX_KEY *bytes*) and for a key
  holding "\\0" (C would read it only up to the NUL: another key!).
- Values are bytes, any bytes (NULs included, b"" too): TypeError otherwise.
- Status codes become exceptions: KV_ENOTFOUND -> KeyError(key), with the key
  the caller gave; KV_EFULL -> StoreFullError; KV_EKEY and KV_EINVAL ->
  ValueError; KV_ECHANGED and KV_EBUSY -> RuntimeError; KV_ENOMEM -> MemoryError.
- Store(capacity=1024): ValueError for a capacity C refuses.
- Each C store is closed exactly once: by close(), at the end of a `with`
  block (even one that raises), or when the Store is garbage-collected.
  close() twice is fine. Afterwards every operation raises ValueError, and
  never hands C the closed store.
- (Exercise kviter) Iterating gives the keys in order, through kv_iter_new,
  kv_iter_next and kv_iter_free. The C iterator is freed when the loop ends,
  also when it breaks out early or raises. A key added or deleted during the
  loop: RuntimeError (as with a dict). The store closed during the loop:
  ValueError at the next step.
- (Exercise kviter) foreach(func) calls func(key, value) for each entry,
  through kv_foreach and the extern "Python" callback kv_visit; it stops when
  func returns a true value, and returns the number of calls. An exception
  raised by func stops the walk and propagates out of foreach(), as it would
  out of a Python loop. foreach() may be called from inside a callback.

Grade it:  nox -s grade -- 14_capstone
"""

from collections.abc import MutableMapping

from _kvstore_cffi import ffi, lib


class StoreFullError(Exception):
    """The store already holds as many keys as its capacity allows."""


# One place turns a status code into an exception. KV_ENOTFOUND is not here:
# a KeyError carries the key, so _check makes it.
_EXCEPTIONS = {
    lib.KV_EKEY: ValueError,
    lib.KV_EFULL: StoreFullError,
    lib.KV_ECHANGED: RuntimeError,
    lib.KV_EBUSY: RuntimeError,
    lib.KV_EINVAL: ValueError,
    lib.KV_ENOMEM: MemoryError,
}


def _check(status, key=None):
    """Return if `status` is KV_OK; raise the exception that stands for it otherwise."""
    if status == lib.KV_OK:
        return
    if status == lib.KV_ENOTFOUND:
        raise KeyError(key)
    message = ffi.string(lib.kv_strerror(status)).decode("utf-8")
    if key is not None:
        message = f"{message}: {key!r}"
    raise _EXCEPTIONS.get(status, RuntimeError)(message)


def _encode_key(key):
    """The key as C needs it: UTF-8 bytes without NUL (C would stop reading at the first one)."""
    if not isinstance(key, str):
        raise TypeError(f"keys are str, not {type(key).__name__}")
    if "\0" in key:
        raise ValueError(f"a key cannot contain a NUL character: {key!r}")
    return key.encode("utf-8")


class _Visit:
    """The context of one foreach() call, which C hands back to kv_visit as userdata."""

    __slots__ = ("calls", "error", "func")

    def __init__(self, func):
        self.func = func
        self.calls = 0
        self.error = None


@ffi.def_extern()
def kv_visit(key, value, length, userdata):
    visit = ffi.from_handle(userdata)
    visit.calls += 1
    try:
        stop = visit.func(ffi.string(key).decode("utf-8"), ffi.unpack(value, length))
        return 1 if stop else 0
    except BaseException as exc:  # kept, and raised again by foreach() once C has returned
        visit.error = exc
        return 1  # stop C now: the caller of foreach() gets the exception


class Store(MutableMapping):
    """A key/value store in C: str keys, bytes values, in insertion order."""

    def __init__(self, capacity=1024):
        out = ffi.new("kv_store **")
        _check(lib.kv_open(capacity, out))
        # The one owner of the C store: kv_close runs when it dies, or at once on ffi.release().
        self._p = ffi.gc(out[0], lib.kv_close)
        self._keys = []  # "C's keys are char pointers: simpler to keep the str here"

    def _live(self):
        if self._p is None:
            raise ValueError("operation on a closed Store")
        return self._p

    def __setitem__(self, key, value):
        if not isinstance(value, bytes):
            raise TypeError(f"values are bytes, not {type(value).__name__}")
        _check(lib.kv_put(self._live(), _encode_key(key), value, len(value)), key)
        if key not in self._keys:
            self._keys.append(key)

    def __getitem__(self, key):
        p, k = self._live(), _encode_key(key)
        needed = ffi.new("size_t *")
        size = 256  # a first guess; kv_get says how much it really needs
        while True:
            buf = ffi.new("char[]", size)
            status = lib.kv_get(p, k, buf, size, needed)
            if status != lib.KV_ERANGE:
                break
            size = needed[0]
        _check(status, key)
        return ffi.unpack(buf, needed[0])  # not ffi.string(): values may hold NUL bytes

    def __delitem__(self, key):
        _check(lib.kv_delete(self._live(), _encode_key(key)), key)
        self._keys.remove(key)

    def __len__(self):
        return lib.kv_count(self._live())

    def __iter__(self):
        p = self._live()
        out = ffi.new("kv_iter **")
        _check(lib.kv_iter_new(p, out))
        it = out[0]
        try:
            key = ffi.new("const char **")
            index = 0
            while True:
                self._live()  # closed meanwhile: ValueError, and never hand C the closed store
                status = lib.kv_iter_next(it, key)
                if status == lib.KV_DONE:
                    return
                _check(status)
                yield self._keys[index]
                index += 1
        finally:
            # Runs at the end, on an exception, and when a loop that broke out drops the generator.
            lib.kv_iter_free(it)

    def foreach(self, func):
        """Call func(key, value) for each entry, in order, until it returns a true value.

        Returns the number of calls. An exception raised by func stops the walk
        and propagates to the caller, as it would from a Python loop."""
        p = self._live()
        visit = _Visit(func)
        handle = ffi.new_handle(visit)  # alive until kv_foreach returns: a local is enough
        status = lib.kv_foreach(p, lib.kv_visit, handle)
        if visit.error is not None:
            error, visit.error = visit.error, None
            raise error
        if status != lib.KV_ESTOPPED:
            _check(status)
        return visit.calls

    def close(self):
        """Destroy the C store now. Closing twice does nothing the second time."""
        if self._p is not None:
            p, self._p = self._p, None
            ffi.release(p)  # kv_close runs now, and the collector will not run it again

    @property
    def closed(self):
        return self._p is None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self):
        return "<Store closed>" if self._p is None else f"<Store with {len(self)} keys>"
