"""Another correct way: the implementation from platform, free-threading from all of sysconfig's variables."""

import platform
import sys
import sysconfig

from setuptools import setup

stable_abi = (platform.python_implementation() == "CPython"
              and not sysconfig.get_config_vars().get("Py_GIL_DISABLED") and not hasattr(sys, "gettotalrefcount"))
setup(cffi_modules=["src/palette/_build.py:ffibuilder"],
      options={"bdist_wheel": {"py_limited_api": "cp39"}} if stable_abi else {})
