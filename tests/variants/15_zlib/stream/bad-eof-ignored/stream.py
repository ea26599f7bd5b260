"""Exercise 15_zlib/stream, run time: a decompressor fed a chunk at a time.

It never builds anything: it imports the module that stream_build.py compiled,
``_stream_cffi``.

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
        stream = ffi.new("z_stream *")  # zeroed: next_in NULL, avail_in 0, zalloc/zfree default
        code = lib.inflateInit(stream)
        if code != lib.Z_OK:
            raise ZlibError(code, self._message(stream, code))
        # One owner: inflateEnd runs once, when this object dies or at close(), whichever
        # comes first (ffi.release). The ffi.gc object keeps the ffi.new memory alive.
        self._stream = ffi.gc(stream, lib.inflateEnd)
        self._out = ffi.new("Bytef[]", OUT_SIZE)
        self.eof = False

    @staticmethod
    def _message(stream, code):
        text = stream.msg if stream.msg != ffi.NULL else lib.zError(code)
        return ffi.string(text).decode("ascii", "replace")

    def _inflate(self, data):
        if self._stream is None:
            raise ValueError("the decompressor is closed")
        stream = self._stream
        # next_in points into data's own memory: `source` keeps it alive (and, on PyPy, in
        # place) for as long as C reads it, which is until this method returns.
        source = ffi.from_buffer("Bytef[]", data)
        stream.next_in, stream.avail_in = source, len(source)
        out = []
        while not self.eof:
            stream.next_out, stream.avail_out = self._out, OUT_SIZE
            code = lib.inflate(stream, lib.Z_NO_FLUSH)
            if code not in (lib.Z_OK, lib.Z_STREAM_END, lib.Z_BUF_ERROR):
                if code == lib.Z_NEED_DICT:  # a stream made with a preset dictionary: not supported
                    code = lib.Z_DATA_ERROR
                raise ZlibError(code, self._message(stream, code))
            out.append(ffi.buffer(self._out, OUT_SIZE - stream.avail_out)[:])
            if code == lib.Z_STREAM_END:
                break
            # More output may be waiting only when inflate() filled the whole buffer.
            if stream.avail_out != 0:
                break
        stream.next_in, stream.avail_in = ffi.NULL, 0  # C must not keep a pointer into data
        return b"".join(out)

    def decompress(self, data):
        """The output that data (the next chunk of the stream) makes available."""
        return self._inflate(data)

    def flush(self):
        """What is left, then the end: ZlibError(Z_BUF_ERROR) if the stream stopped short."""
        rest = self._inflate(b"")
        if not self.eof:
            self.close()
            raise ZlibError(lib.Z_BUF_ERROR, "the compressed data ended before the end of its stream")
        self.close()
        return rest

    def close(self):
        """Free zlib's state now (inflateEnd); closing twice does nothing."""
        if self._stream is not None:
            ffi.release(self._stream)
            self._stream = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
