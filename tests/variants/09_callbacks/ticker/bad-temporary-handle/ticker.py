"""Exercise 09_callbacks/ticker: a callback that C keeps, in ABI mode.

ticker.c (given: nothing to change there) is a small C library that keeps a
callback and calls it later, at every tick:

    void ticker_start(ticker_fn fn, void *userdata);   keeps fn and userdata
    int ticker_tick(void);     calls fn(count, userdata); returns count (-1: no callback)
    void ticker_stop(void);    forgets the callback

The grader builds it into a shared library and loads it with load(path),
below, in ABI mode: no compiler, so no extern "Python" here. Finish the
@ffi.callback("void(int, void *)")
def _tick(count, userdata):
    ffi.from_handle(userdata)._on_tick(count)


class Ticker:

1. Ticker(lib, on_tick) makes a C callback of type ticker_fn with
   ffi.callback(), which calls on_tick(count), and gives it to
   lib.ticker_start() (userdata: ffi.NULL);
2. C keeps that pointer after ticker_start() returns: the callback object
   must stay alive for as long as C may call it (the grader runs the
   garbage collector before every tick);
3. stop() makes C forget the callback; after that, the callback may go.

Grade it:  nox -s grade -- 09_callbacks/ticker
"""

from cffi import FFI

ffi = FFI()
ffi.cdef("""
    typedef void (*ticker_fn)(int count, void *userdata);
    void ticker_start(ticker_fn fn, void *userdata);
    int ticker_tick(void);
    void ticker_stop(void);
""")


def load(path):
    """Open the ticker library at `path` (given)."""
    return ffi.dlopen(str(path))


@ffi.callback("void(int, void *)")
def _tick(count, userdata):
    ffi.from_handle(userdata)._on_tick(count)


class Ticker:
    """Calls on_tick(count) each time the C library ticks, until stop()."""

    def __init__(self, lib, on_tick):
        self._lib = lib
        self._on_tick = on_tick
        # One module-level callback for every Ticker; the Ticker travels as userdata.
        # Wrong: nothing keeps the handle, so it dies when ticker_start() returns
        # while C keeps its address for every tick.
        lib.ticker_start(_tick, ffi.new_handle(self))

    def stop(self):
        """Make C forget the callback; from then on, ticks call nothing."""
        self._lib.ticker_stop()
