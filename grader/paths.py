"""The scratch copy and the learner's names for it, in one place.

A grade runs on a scratch copy of the learner's files (``<run>/tree``), but every
message shows the learner's own paths (``exercises/07_structs/geometry.py``): the
child's tracebacks and compiler diagnostics (build.py, plugin.py), the runner's words
for a crash or a time-out, the sanitizer's frames. ``Paths`` maps one to the other,
with either separator (Windows' ``\\``, also doubled as a repr shows it) and leaves
any other path alone: the build folder's generated C, cffi's and the system's files.
String work only, but for two looks at the scratch copy itself (relative_anywhere, source).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_SEP = r"(?:\\\\|[\\/])"  # "/", "\" or a repr's "\\"
# What follows the scratch folder in a path: the course's own folder and file names
# (no spaces, quotes, colons or parentheses), so a path ends where a line number, a
# quote or MSVC's "(12)" starts.
_REST = _SEP + r"[^\\/\s\"'`<>|:*?(),;]+"


def _parts(path: str) -> list[str]:
    return [p for p in re.split(r"[\\/]+", path) if p]


class Paths:
    """The scratch copy the child works on (``scratch``) and how the learner names
    that folder (``display``: "exercises", ".", or a whole path)."""

    def __init__(self, scratch: Path | str, display: str):
        self.scratch = Path(scratch)
        self.display = display.rstrip("/\\") or "."
        root = str(scratch).rstrip("/\\")
        lead = _SEP if root[:1] in "/\\" else ""  # an absolute POSIX path, or a Windows UNC one
        # Not inside a longer name on either side: /runs/x/tree is not /runs/x/tree2.
        self._pattern = re.compile(
            r"(?<![\w.\-])"
            + lead
            + _SEP.join(map(re.escape, _parts(root)))
            + rf"(?![^\\/\s\"'`<>|:*?(),;])(?P<rest>(?:{_REST})*)"
            if root not in ("", ".")
            else r"(?!)"
        )  # no folder: nothing to map
        self._root = "/".join(_parts(root))

    def shown(self, rel: str) -> str:
        """A path inside the scratch tree (``07_structs/geometry.py``) as the learner knows it."""
        return f"{self.display}/{rel}" if rel else self.display

    def show(self, text: str) -> str:
        """``text`` with every path in the scratch tree shown as the learner knows it,
        separators as "/"; other paths unchanged."""
        return self._pattern.sub(lambda m: self.shown("/".join(_parts(m["rest"]))), text)

    def mentions(self, text: str) -> bool:
        """Whether ``text`` names a path in the scratch tree."""
        return self._pattern.search(text) is not None

    def relative(self, file: str) -> str | None:
        """``file`` as a path inside the scratch tree ("/" separators), or None when it
        is not one (a file of the build folder, of cffi, of the system)."""
        parts = _parts(file)
        path = "/".join(parts)
        if path.startswith(self._root + "/"):
            return path[len(self._root) + 1 :]
        return None

    def relative_anywhere(self, file: str) -> str | None:
        """``relative``, also for a file of another run's scratch tree: a module built
        for another scratch folder (the build cache is keyed by content, so two trees
        with the same files share one build) names that folder in its debug
        information. Then the longest tail of the path (a lesson folder and a file at
        least) that exists in this scratch tree is the learner's file."""
        rel = self.relative(file)
        if rel is not None:
            return rel
        parts = _parts(file)
        for i in range(1, len(parts) - 1):
            if os.path.isfile(self.scratch.joinpath(*parts[i:])):
                return "/".join(parts[i:])
        return None

    def source(self, rel: str, line: int) -> str:
        """The text of one line (1-based) of a file in the scratch tree, stripped; "" when
        there is no such line."""
        try:
            return self.scratch.joinpath(*rel.split("/")).read_text(encoding="utf-8").splitlines()[line - 1].strip()
        except (OSError, ValueError, IndexError):
            return ""
