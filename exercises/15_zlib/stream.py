"""Exercise 15_zlib/stream, run time: a decompressor fed a chunk at a time.

It never builds anything: it imports the module that stream_build.py compiled,
``_stream_cffi``.

Your task: the class Decompressor, over zlib's inflateInit(), inflate() and inflateEnd().
- decompress(chunk) takes the next chunk of a zlib stream (any size, even 1 byte or 0) and
  returns all the output it makes available: call inflate() until it leaves room in the
  output buffer. Once inflate() returns Z_STREAM_END, set eof to True.
- flush() returns what is left and closes; if the stream has not ended, it closes and
  raises ZlibError(lib.Z_BUF_ERROR, ...).
- A failing inflate() raises ZlibError(code, message), message being the stream's msg
  field when it is not NULL, else zError(code).
- inflateEnd() runs exactly once per stream: at close() (twice is fine), at the end of a
  `with` block, or when an unclosed Decompressor is collected. A closed one raises
  ValueError and never calls zlib again.
- next_in and next_out point into memory that must stay alive while C uses it.

Grade it:  nox -s grade -- 15_zlib/stream
"""

from _stream_cffi import ffi, lib

OUT_SIZE = 16 * 1024  # bytes of output per inflate() call


class ZlibError(Exception):
    """zlib failed: ``code`` is what it returned, ``message`` its words for it."""

    def __init__(self, code, message):
        super().__init__(f"{message} (zlib error {code})")
        self.code = code
        self.message = message


class Decompressor:
    """Decompresses one zlib stream given in chunks of any size."""

    def __init__(self):
        # TODO: a z_stream from ffi.new, lib.inflateInit(it) checked, and inflateEnd tied to
        # it so that it runs once (ffi.gc); an output buffer of OUT_SIZE bytes.
        self.eof = False
        raise NotImplementedError("Decompressor is not written yet")

    def decompress(self, data):
        """The output that data (the next chunk of the stream) makes available."""
        # TODO: point next_in/avail_in at data (ffi.from_buffer, kept alive during the calls),
        # then inflate(stream, lib.Z_NO_FLUSH) into the output buffer until it is not full.
        raise NotImplementedError

    def flush(self):
        """What is left, then the end: ZlibError(Z_BUF_ERROR) if the stream stopped short."""
        # TODO
        raise NotImplementedError

    def close(self):
        """Free zlib's state now (inflateEnd); closing twice does nothing."""
        # TODO: ffi.release() the ffi.gc object, then forget it.
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
