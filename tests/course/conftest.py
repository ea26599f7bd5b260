"""Fixtures for the course's own tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def course_cache(tmp_path_factory) -> Path:
    """One cache for the session's grades (outside the repository), unless
    CFFI_COURSE_CACHE names one (nox -s tests sets it)."""
    given = os.environ.get("CFFI_COURSE_CACHE")
    return Path(given) if given else tmp_path_factory.mktemp("cache")
