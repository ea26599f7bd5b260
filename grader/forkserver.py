"""A warm start for grading children: one server process per engine imports pytest
once, then forks a child for each run, instead of a new interpreter importing it again.

A grading child spends most of its CPU starting: grading the solutions of lessons
01-03 on CPython, a new child took 0.23-0.30 s of CPU, a forked one 0.06-0.14 s, the
server itself 0.19 s once (benchmarks/RESULTS.md, "fork server"). A forked child runs
exactly what ``python -m grader.child`` would run (child.main), with the same
environment, folder, output pipe, process group and limits; the engine handles it like
any child (ForkedChild has what runner and procs use of subprocess.Popen).

The server starts with an engine's second child (wanted()): it costs about one child's
start, so a grade of one exercise does without it. It is used only where a fork gives
the same child as a new process: Linux, a child the engine starts itself (not
sandboxed: bwrap and another user need their own start), and an environment equal to
the server's but for the engine's per-run ``GRADER_*`` variables (an AddressSanitizer
rerun preloads a library: it starts afresh). Elsewhere, or when the server cannot start
or has died, the engine starts ``python -m grader.child`` as before: Windows has no
fork, and macOS's system libraries do not promise to work in a forked child, so both
always take that path. ``CFFI_COURSE_FORKSERVER=0`` turns the server off (to compare
both paths).

The server is in a session of its own (Ctrl-C in the terminal reaches the engine,
which kills the children); it ends when the engine closes its socket or dies
(it checks twice a second), and kills the children it still has.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import Any

from . import protocol as proto

ENV_VAR = "CFFI_COURSE_FORKSERVER"
READY = b"ready"
MAX_SERVERS = 2  # the oldest is closed to start another (its running children end: graded again)
START_TIMEOUT = 120.0  # seconds the server may take to import pytest (a busy machine, PyPy)
ANSWER_TIMEOUT = 60.0  # seconds it may take to fork a child once started
_HEADER = struct.Struct("!I")


def available(env: Mapping[str, str] | None = None) -> bool:
    """Whether children may be forked from a server on this machine."""
    source = os.environ if env is None else env
    return sys.platform.startswith("linux") and hasattr(os, "fork") and source.get(ENV_VAR, "1") != "0"


def signature(env: dict[str, str]) -> tuple:
    """What a server's environment must equal for it to fork a child with ``env``: all of
    it but the engine's per-run variables, which the child sets for itself."""
    return tuple(sorted((k, v) for k, v in env.items() if not k.startswith(proto.PREFIX)))


# -- the engine's side -----------------------------------------------------------------


class ServerLost(Exception):
    """The server died, or would not start: the child was not started, or its end is unknown."""


class ForkedChild:
    """A child forked by the server: what runner and procs use of subprocess.Popen
    (pid, stdout, returncode, poll, wait, kill, send_signal). Its exit status comes
    from the server, which is its parent; ``lost`` says the server died before
    telling it (the child then ends too: it watches its parent)."""

    def __init__(self, pid: int, stdout_fd: int, status_fd: int, args: list[str]) -> None:
        self.pid = pid
        self.args = args
        self.stdout = open(stdout_fd, "rb")  # noqa: SIM115 (closed by the runner, as Popen's is)
        self.returncode: int | None = None
        self.lost = False
        self._ended = threading.Event()
        threading.Thread(target=self._await_status, args=(status_fd,), daemon=True).start()

    def _await_status(self, fd: int) -> None:
        data = b""
        try:
            while chunk := os.read(fd, 64):
                data += chunk
        except OSError:
            pass
        finally:
            os.close(fd)
        try:
            self.returncode = int(data)
        except ValueError:
            self.lost = True
            self.returncode = -signal.SIGKILL
        self._ended.set()

    def poll(self) -> int | None:
        return self.returncode if self._ended.is_set() else None

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if not self._ended.is_set():
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Server:
    """The engine's handle on one server: start_child() as often as needed, from any
    thread (the first call starts the server); close() ends it."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self._argv = argv
        self._env = env
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._proc: subprocess.Popen | None = None
        self.broken = ""  # why it cannot be used, once it cannot

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._proc = subprocess.Popen(
                [*self._argv, str(theirs.fileno())],
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,  # Ctrl-C in the terminal is the engine's to handle
            )
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        self._sock = ours  # closed by _close() if it does not start
        ours.settimeout(START_TIMEOUT)
        try:
            ready = _receive(ours)
        except (OSError, ValueError) as exc:
            raise ServerLost(f"the fork server did not start ({exc})") from None
        if ready != {"ready": True}:
            raise ServerLost(f"the fork server did not start (it said {ready!r})")

    def start_child(self, args: list[str], env: dict[str, str], cwd: str) -> ForkedChild:
        """Fork a child running ``python -m grader.child ARGS`` in ``cwd`` with ``env``;
        ServerLost if the server cannot (the caller starts the child itself)."""
        with self._lock:
            if self.broken:
                raise ServerLost(self.broken)
            out_r, out_w = os.pipe()
            status_r, status_w = os.pipe()
            try:
                if self._sock is None:
                    self._start()
                assert self._sock is not None
                # A server that stopped answering (stopped, swapped out) costs a grade at
                # most this long; then this child and the next start the usual way.
                self._sock.settimeout(ANSWER_TIMEOUT)
                _send(self._sock, {"args": args, "env": env, "cwd": cwd}, [out_w, status_w])
                reply = _receive(self._sock)
                if reply is None:
                    raise ServerLost("the fork server stopped")
                pid = int(reply["pid"])
            except (OSError, ValueError, KeyError, TypeError, ServerLost) as exc:
                os.close(out_r)
                os.close(status_r)
                self.broken = str(exc) if isinstance(exc, ServerLost) else f"the fork server stopped ({exc!r})"
                self._close()
                raise ServerLost(self.broken) from None
            finally:
                os.close(out_w)
                os.close(status_w)
        return ForkedChild(pid, out_r, status_r, [*self._argv, *args])

    def _close(self) -> None:
        if self._sock is not None:
            self._sock.close()  # the server sees the end of its socket: it kills its children and exits
            self._sock = None
        if self._proc is not None:
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None

    def close(self) -> None:
        with self._lock:
            self.broken = self.broken or "closed"
            self._close()


_servers: dict[tuple, Server] = {}
_servers_lock = threading.Lock()


_eligible = 0  # children this process could have forked so far


def wanted() -> bool:
    """Whether to fork the child about to start: not this process's first one. The
    server costs about what one child's start does, so an engine that grades one
    exercise once (most grades while working on an exercise) starts its child the usual
    way and no server; from the second child on, it forks (a whole-course grade, a
    room, `watch` after the first save)."""
    global _eligible
    with _servers_lock:
        _eligible += 1
        return _eligible > 1


def server_for(env: dict[str, str], flags: list[str], cache_root: str) -> Server:
    """This engine's server for children with ``env`` (started on first use, closed when
    the engine exits). Its command line names ``cache_root``, as a child's names its
    grader: a process that mentions the cache is this engine's."""
    key = (tuple(flags), signature(env))
    with _servers_lock:
        server = _servers.get(key)
        if server is None:
            if not _servers:
                import atexit

                atexit.register(close_all)
            if len(_servers) >= MAX_SERVERS:  # an engine has one; a process grading in several caches, more
                _servers.pop(next(iter(_servers))).close()
            base = {k: v for k, v in env.items() if not k.startswith(proto.PREFIX)}
            server = _servers[key] = Server([sys.executable, *flags, "-m", "grader.forkserver", cache_root], base)
        return server


def close_all() -> None:
    with _servers_lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.close()


# -- the wire: a length, then JSON; file descriptors ride with the first bytes -------


def _send(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    packet = _HEADER.pack(len(data)) + data
    if fds:
        socket.send_fds(sock, [packet], fds)
    else:
        sock.sendall(packet)


def _receive(sock: socket.socket, fds_out: list[int] | None = None) -> dict | None:
    """One message, or None at the end of the stream. File descriptors that came with
    it go to ``fds_out`` (closed if it is None)."""
    data, fds, _flags, _addr = socket.recv_fds(sock, 65536, 4)
    if fds_out is not None:
        fds_out.extend(fds)
    else:
        for fd in fds:
            os.close(fd)
    if not data:
        return None
    while len(data) < _HEADER.size:
        more = sock.recv(65536)
        if not more:
            raise ValueError("the message ended early")
        data += more
    (size,) = _HEADER.unpack(data[: _HEADER.size])
    while len(data) < _HEADER.size + size:
        more = sock.recv(65536)
        if not more:
            raise ValueError("the message ended early")
        data += more
    return json.loads(data[_HEADER.size : _HEADER.size + size])


# -- the server's side ------------------------------------------------------------------


def _warm_up() -> None:
    """Import what every child imports before the learner's code: pytest, its built-in
    plugins and the child's own modules. Nothing that reads the per-run environment at
    import (grader.plugin reads it when the run starts)."""
    import importlib

    import pytest  # noqa: F401
    from _pytest.config import default_plugins

    from . import child

    for name in default_plugins:
        if name in child.UNUSED_PLUGINS or name in ("cacheprovider", "stepwise"):
            continue  # the child turns them off: a new interpreter would not import them
        try:
            importlib.import_module(f"_pytest.{name}")
        except ImportError:
            pass
    import gc

    gc.collect()
    if hasattr(gc, "freeze"):  # CPython: the children's collections skip what the server made
        gc.freeze()


def serve(fd: int) -> None:
    sock = socket.socket(fileno=fd)
    _warm_up()
    engine = os.getppid()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda _signum, _frame: None)  # wakes select() through wake_w
    children: dict[int, int] = {}  # pid -> the write end of its status pipe
    _send(sock, {"ready": True})
    watched: list[Any] = [sock, wake_r]
    while True:
        readable, _, _ = select.select(watched, [], [], 0.5)
        if wake_r in readable:
            os.read(wake_r, 4096)
        _reap(children)
        if os.getppid() != engine:
            break  # the engine died without closing the socket
        if sock in readable:
            fds: list[int] = []
            try:
                request = _receive(sock, fds)
            except (OSError, ValueError):
                request = None
            if request is None:
                break
            pid = _fork(request, fds, sock, children, (wake_r, wake_w))
            _send(sock, {"pid": pid})
    for pid in children:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def _reap(children: dict[int, int]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        fd = children.pop(pid, None)
        if fd is not None:
            code = os.waitstatus_to_exitcode(status)  # negative for a signal, as Popen.returncode
            try:
                os.write(fd, str(code).encode())
            except OSError:
                pass
            os.close(fd)


def _fork(request: dict, fds: list[int], sock: socket.socket, children: dict[int, int], wake: tuple) -> int:
    out_w, status_w = fds
    pid = os.fork()
    if pid == 0:
        _become_child(request, out_w, [sock.fileno(), status_w, *wake, *children.values()])
    try:
        os.setpgid(pid, pid)  # also done by the child: whichever runs first, the group exists
    except OSError:
        pass
    os.close(out_w)
    children[pid] = status_w
    return pid


def _become_child(request: dict, out_w: int, close: list[int]) -> None:
    """In the forked child: become what ``python -m grader.child ARGS`` started with the
    request's environment in its folder would be, run it, and exit as it would."""
    try:
        os.setpgid(0, 0)  # a group of its own: killpg(pid) ends it and what it starts
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in close:
            os.close(fd)
        os.dup2(out_w, 1)  # stdout and stderr: the engine's pipe, as Popen(stderr=STDOUT)
        os.dup2(out_w, 2)
        os.close(out_w)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        cwd = request["cwd"]
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(request["env"])
        from . import child

        sys.argv = [child.__file__, *request["args"]]
        sys.path[0] = cwd  # `python -m` puts the current folder first
        if "random" in sys.modules:  # a new process would have seeded its own
            sys.modules["random"].seed()
        import faulthandler

        if faulthandler.is_enabled():  # PYTHONFAULTHANDLER: write to the new stderr
            faulthandler.enable(all_threads=True)
    except BaseException:  # the child could not be prepared: the engine sees a start-up death
        os._exit(70)
    sys.exit(child.main(request["args"]))


if __name__ == "__main__":
    serve(int(sys.argv[-1]))  # python -m grader.forkserver CACHE_ROOT FD
