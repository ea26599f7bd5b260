"""Exercise 09_callbacks/visit: hand a Python object to C, and get it back in a callback.

visit_build.py (given: nothing to change there) compiles ``_visit_cffi`` with

    int for_each(const int *items, int n, visit_fn visit, void *userdata);
        calls visit(items[i], userdata) for each item, stops after the
        first call that returns non-zero, and returns the number of calls;
    extern "Python" int visit_item(int item, void *userdata);
        the callback, which you write below.

Finish feed(items, sink): it passes each item to sink.add(item) through C's
for_each(), with lib.visit_item as the callback. A sink is any Python object
with an add(item) method, which returns True when the sink wants no more
items. feed() returns what for_each() returns.

The callback must find *its* sink through `userdata`, because several feeds
may run at the same time: in two threads, or one inside another (a sink's
add() may itself call feed() with another sink). A global variable holding
"the current sink" mixes them up.

Grade it:  nox -s grade -- 09_callbacks/visit
"""

from _visit_cffi import ffi, lib

_alive = {}


@ffi.def_extern()
def visit_item(item, userdata):
    """Called by for_each() for each item: give it to the sink that userdata stands for."""
    if ffi.from_handle(userdata).add(item):
        return 1
    return 0


def feed(items, sink):
    """Pass each of the ints `items` to sink.add(item), through C's for_each(); return the number of calls."""
    # The handle lives in a registry for the duration of the call.
    handle = ffi.new_handle(sink)
    _alive[id(handle)] = handle
    try:
        array = ffi.new("int[]", items)
        return lib.for_each(array, len(array), lib.visit_item, handle)
    finally:
        del _alive[id(handle)]
