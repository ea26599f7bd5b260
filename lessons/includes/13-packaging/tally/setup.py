from setuptools import setup

setup(cffi_modules=["src/tally/_build.py:ffibuilder"])
