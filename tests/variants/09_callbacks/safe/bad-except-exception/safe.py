"""Exercise 09_callbacks/safe: a callback that fails in a way C understands.

safe_build.py (given: nothing to change there) compiles ``_safe_cffi``, whose
process_all() calls the extern "Python" function ``handle(reading)`` for each
reading. handle() returns the converted reading, or -1 to reject it: C then
counts it as rejected and leaves it out of the total (last_total()).

handle() calls convert(), below, which raises for a reading it cannot
convert. An exception cannot travel up through C. Make cffi turn it into
what C understands, and keep a record of it:

1. when convert() raises, C must receive -1 (so the reading is rejected);
2. the exception (the exception object itself) goes into the list `errors`,
   through the function on_error(), instead of being printed;
3. process(readings) runs C's process_all() and returns the tuple
   (total, rejected, errors) for these readings only: errors holds the
   exceptions of this call, in the order they happened.

Grade it:  nox -s grade -- 09_callbacks/safe
"""

from _safe_cffi import ffi, lib

errors = []  # the exceptions convert() raised during the last process() call


def convert(reading):
    """The work for one reading (given): 1000 // reading; raises for 0 and for negative readings."""
    if reading < 0:
        raise ValueError(f"negative reading: {reading}")
    return 1000 // reading  # ZeroDivisionError for 0


def on_error(exc_type, exc_value, traceback):
    """Called by cffi when handle() raises, instead of printing the traceback."""
    errors.append(exc_value)
    # No return value: cffi then gives C the `error=` value. Returning a number
    # here would replace it (returning 0 would make C accept the reading).


@ffi.def_extern()
def handle(reading):
    try:
        return convert(reading)
    except Exception as exc:  # every exception convert() raises
        on_error(type(exc), exc, exc.__traceback__)
        return -1


def process(readings):
    """Run C's process_all() on `readings`; return (total, rejected, errors) of this run."""
    errors.clear()  # only this run's errors
    rejected = lib.process_all(list(readings), len(readings))
    return lib.last_total(), rejected, list(errors)
