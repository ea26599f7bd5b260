"""Fault: asks for a 100 GB buffer."""


def make_buffer():
    return bytearray(100 * 1024**3)


def small_buffer():
    return bytearray(16)
