"""Helpers for graders (tests/NN_topic/test_*.py), imported as ``grader.testing``.

``LibSpy`` answers a question a grader cannot settle from return values alone:
did the learner's Python module call the C function (and with what), or did it
compute the answer some other way? ``install_lib_spy`` puts the spy wherever
the learner's module can reach the compiled ``lib``.
"""

from __future__ import annotations

from typing import Any


class LibSpy:
    """Stands in for a compiled ``lib``: each call of a C function is recorded
    (``calls``), then passed to the real function. Non-callable attributes
    (constants, globals) are the real ones.

    Subclasses override ``record(name, args)`` to keep something else (say, the
    bytes C is about to read) or to stop a call that would kill the process by
    raising an exception."""

    def __init__(self, lib: Any) -> None:
        self._lib = lib
        self.calls: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._lib, name)
        return self.wrap(name, target) if callable(target) else target

    def record(self, name: str, args: tuple) -> Any:
        """What ``calls`` keeps for one call; may raise to stop the call."""
        return (name, args)

    def wrap(self, name: str, target: Any):
        def c_function(*args):
            self.calls.append(self.record(name, args))
            return target(*args)

        c_function.__name__ = name
        return c_function

    def names(self) -> list[str]:
        """The C functions called, in order."""
        return [c[0] if isinstance(c, tuple) else c for c in self.calls]

    def last(self, name: str) -> Any:
        """The last record of a call to ``name``, or None."""
        found = [c for c in self.calls if (c[0] if isinstance(c, tuple) else c) == name]
        return found[-1] if found else None


def install_lib_spy(module: Any, built: Any, monkeypatch: Any, spy: LibSpy) -> LibSpy:
    """Make ``module`` (the learner's Python module) call C through ``spy``.

    Covers the ways a module reaches C: a global bound to ``lib``
    (``from _x_cffi import lib``), to one of its functions
    (``from _x_cffi.lib import add``), a default argument holding one
    (``def f(a, _add=lib.add)``), and ``import _x_cffi`` followed by
    ``_x_cffi.lib.add(...)``. ``monkeypatch`` undoes all of it after the test."""
    real_lib = built.lib
    functions = {}
    for name in dir(real_lib):
        try:
            value = getattr(real_lib, name)
        except Exception:  # a global that cannot be read is no function
            continue
        if callable(value):
            functions[name] = value

    def spied(value):
        if value is real_lib:
            return spy
        for name, func in functions.items():
            if value is func:
                return spy.wrap(name, func)
        return value

    for global_name, value in list(vars(module).items()):
        if spied(value) is not value:
            monkeypatch.setattr(module, global_name, spied(value))
        defaults = getattr(value, "__defaults__", None)
        if defaults and any(spied(d) is not d for d in defaults):
            monkeypatch.setattr(value, "__defaults__", tuple(spied(d) for d in defaults))
    monkeypatch.setattr(built.module, "lib", spy)
    return spy


def collect_garbage() -> None:
    """Free what nothing refers to, now: CPython frees most objects at once, PyPy only when
    its collector runs, and objects in reference cycles wait for a collection everywhere."""
    import gc

    for _ in range(3):
        gc.collect()


class CCounters:
    """Counters a C library keeps for its graders (live objects, destroy calls, misuses...),
    read at the start and compared later: ``delta()`` is how much each one changed.

    ``read`` returns the counters as a tuple, e.g. ``lambda: (lib.live(), lib.freed())``.
    Garbage is collected first, so that what earlier checks dropped is not counted."""

    def __init__(self, read) -> None:
        self.read = read
        collect_garbage()
        self.start = tuple(read())

    def now(self) -> tuple:
        return tuple(self.read())

    def delta(self) -> tuple:
        return tuple(b - a for a, b in zip(self.start, self.now()))


def callback_output(capfd: Any, monkeypatch: Any):
    """A context manager factory for what cffi prints while C calls back into Python:
    the exceptions a callback raised (CPython hands them to ``sys.unraisablehook``, PyPy
    prints them on stderr) and cffi's notes, such as an extern "Python" function with no
    code attached. ``with watch() as out:`` ... then ``out[0]`` is the text, stripped."""
    import contextlib
    import sys
    import traceback

    seen: list[str] = []

    def hook(unraisable) -> None:
        text = "".join(traceback.format_exception(unraisable.exc_type, unraisable.exc_value,
                                                  unraisable.exc_traceback))
        seen.append(f"{unraisable.err_msg or 'Exception ignored'}: {unraisable.object!r}\n{text}")

    if hasattr(sys, "unraisablehook"):
        monkeypatch.setattr(sys, "unraisablehook", hook)

    @contextlib.contextmanager
    def watch():
        capfd.readouterr()
        out: list[str] = []
        try:
            yield out
        finally:
            text = "".join(seen) + capfd.readouterr().err
            seen.clear()
            out.append(text.strip())

    return watch
