"""A C compiler named by CC that is not there: doctor and the grade name CC, not a missing compiler."""

from __future__ import annotations

import os

import pytest

from grader import doctor, runner

pytestmark = pytest.mark.skipif(os.name == "nt", reason="MSVC is not chosen through CC")


def test_doctor_names_a_broken_cc(monkeypatch):
    monkeypatch.setenv("CC", "no-such-cc-13 -O2")
    check = doctor.check_compiler(doctor.system_kind())
    assert not check.ok
    assert check.detail.startswith(
        "the environment variable CC is set to 'no-such-cc-13 -O2', and this machine has no program 'no-such-cc-13'"
    ), check.detail
    assert "unset CC" in check.fix
    assert "install" not in check.fix.split("unset CC")[0], "not the advice to install a compiler"


def test_broken_cc_is_quiet_when_cc_is_fine_or_unset():
    assert doctor.broken_cc("error", {}) == ""
    assert doctor.broken_cc("error: something else", {"CC": "sh"}) == ""  # there, and not what failed
    assert "failed" in doctor.broken_cc("command 'sh' failed with exit code 1", {"CC": "sh"})


def test_grade_names_cc(monkeypatch, tmp_path):
    monkeypatch.setenv("CC", "no-such-cc-13")
    result = runner.ExerciseResult(
        "01_x/y",
        "01",
        "error",
        0,
        1,
        "",
        [runner.TestResult("test_a", "error", "the C compiler rejected ...", "compile")],
    )
    fault, blame = runner._fault_of(result, tmp_path, tmp_path, tagged=False)
    assert blame == "machine"
    assert "the environment variable CC names the C compiler `no-such-cc-13`" in fault
    assert "nox -s doctor" in fault
