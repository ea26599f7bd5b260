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


@ffi.def_extern()
def visit_item(item, userdata):
    """Called by for_each() for each item: give it to the sink that userdata stands for."""
    # TODO: get the sink back from userdata, pass it the item, and return
    # 1 if sink.add(item) asks to stop (a true value), else 0.
    raise NotImplementedError("visit_item is not written yet")


def feed(items, sink):
    """Pass each of the ints `items` to sink.add(item), through C's for_each(); return the number of calls."""
    # TODO: make a `void *` that stands for `sink`, and call lib.for_each with the
    # items, their number, lib.visit_item and that pointer. The pointer must stay
    # alive for as long as C may hand it to visit_item.
    raise NotImplementedError("feed is not written yet")
