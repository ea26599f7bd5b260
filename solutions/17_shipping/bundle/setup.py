"""Exercise 17_shipping/bundle: setuptools runs greet_build.py to compile greet._greet
(given: nothing to change here)."""

from setuptools import setup

setup(cffi_modules=["greet_build.py:ffibuilder"])
