"""Exercise 14_capstone: a Pythonic class around the C key/value store of kv.h.

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


def _check(status, key=None):
    """Return if `status` is KV_OK; raise the exception that stands for it otherwise."""
    # TODO: map each status code to its exception (see the list above); the message can come from
    #       lib.kv_strerror(status), a char * to read with ffi.string().
    raise NotImplementedError("_check is not written yet")


# TODO: (exercise kviter) the callback that kv_foreach calls, attached to the extern "Python"
#       function kv_visit of kvstore_build.py. It gets its context back from `userdata` (a handle:
#       ffi.from_handle), calls the Python function, and returns non-zero to make C stop. An
#       exception cannot travel through C: keep it, stop C, and raise it in foreach() once C returns.
#
# @ffi.def_extern()
# def kv_visit(key, value, length, userdata):
#     ...


class Store(MutableMapping):
    """A key/value store in C: str keys, bytes values, in insertion order."""

    def __init__(self, capacity=1024):
        # TODO: open the C store with lib.kv_open(capacity, out), where out is a "kv_store **" you
        #       allocate, and check its status. Then make one owner close it:
        #       ffi.gc(pointer, lib.kv_close).
        raise NotImplementedError("Store.__init__ is not written yet")

    def __setitem__(self, key, value):
        # TODO: ValueError if closed; check the key and the value; lib.kv_put with the value's length.
        raise NotImplementedError("Store.__setitem__ is not written yet")

    def __getitem__(self, key):
        # TODO: lib.kv_get with the two-call protocol: try a buffer; on KV_ERANGE, *needed says how
        #       big it must be. The value may contain NUL bytes: copy exactly *needed bytes.
        raise NotImplementedError("Store.__getitem__ is not written yet")

    def __delitem__(self, key):
        # TODO: lib.kv_delete; KeyError(key) when the key is not there.
        raise NotImplementedError("Store.__delitem__ is not written yet")

    def __len__(self):
        # TODO: lib.kv_count.
        raise NotImplementedError("Store.__len__ is not written yet")

    def __iter__(self):
        # TODO: (exercise kviter) a generator over the keys: kv_iter_new, then kv_iter_next until
        #       KV_DONE, each key copied into a str at once. kv_iter_free in a `finally`, so that it
        #       also runs when the loop breaks out early (the generator is then closed).
        raise NotImplementedError("Store.__iter__ is not written yet")

    def foreach(self, func):
        """Call func(key, value) for each entry, in order, until it returns a true value.

        Returns the number of calls. An exception raised by func propagates."""
        # TODO: (exercise kviter) lib.kv_foreach(store, lib.kv_visit, handle), with a handle
        #       (ffi.new_handle) to an object that holds func, the number of calls, and the
        #       exception if func raised: raise it here, after kv_foreach returned.
        raise NotImplementedError("Store.foreach is not written yet")

    def close(self):
        """Close the C store now. Closing twice does nothing the second time."""
        # TODO: close it now, exactly once (ffi.release runs the ffi.gc destructor at once), and forget it.
        raise NotImplementedError("Store.close is not written yet")

    @property
    def closed(self):
        # TODO: True once the store is closed.
        raise NotImplementedError("Store.closed is not written yet")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        # TODO: close the store, whether the block ended normally or with an exception.
        raise NotImplementedError("Store.__exit__ is not written yet")
