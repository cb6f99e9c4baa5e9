#!/usr/bin/python3
"""Writes damaged TIFF files to tests/corpus/malformed/ (issue 15): every one
must give a clean error from decode_image, and a report or a clean error from
provenance. Deterministic, standard library only, each file under 2 KB.
Usage: /usr/bin/python3 tools/make_malformed_tiff.py [CORPUS_DIR]
"""
import os
import struct
import sys


def tiff(entries, data=b"", next_ifd=0, pad=0):
    """Little-endian TIFF: header, IFD0 of (tag, type, count, value), data after it."""
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        if typ == 3 and count == 1:
            ifd += struct.pack("<HHIHH", tag, typ, count, value, 0)
        else:
            ifd += struct.pack("<HHII", tag, typ, count, value)
    ifd += struct.pack("<I", next_ifd)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + data + b"\x00" * pad


def grey(w, h, data_offset, byte_count, extra=(), compression=1, bits=8, photometric=1):
    base = {256: (4, 1, w), 257: (4, 1, h), 258: (3, 1, bits), 259: (3, 1, compression), 262: (3, 1, photometric),
            273: (4, 1, data_offset), 277: (3, 1, 1), 278: (4, 1, h), 279: (4, 1, byte_count)}
    for tag, typ, count, value in extra:
        base[tag] = (typ, count, value)
    return [(tag,) + base[tag] for tag in sorted(base)]


def files():
    f = {}
    n = 9
    data_at = 8 + 2 + 12 * n + 4
    good = tiff(grey(8, 8, data_at, 64), bytes(range(64)))
    f["tiff-header-only.tif"] = good[:8]
    f["tiff-ifd-offset-past-end.tif"] = b"II*\x00" + struct.pack("<I", 0x7FFFFFF0) + bytes(16)
    f["tiff-ifd-count-huge.tif"] = b"II*\x00" + struct.pack("<IH", 8, 0xFFFF) + bytes(60)
    f["tiff-strip-offset-past-end.tif"] = tiff(grey(8, 8, 0x7FFFFFF0, 64), bytes(64))
    f["tiff-strip-bytecount-huge.tif"] = tiff(grey(4000, 4000, data_at, 0xFFFFFFF0), bytes(256))
    f["tiff-strip-short.tif"] = tiff(grey(64, 64, data_at, 4096), bytes(100))
    f["tiff-width-zero.tif"] = tiff(grey(0, 8, data_at, 64), bytes(64))
    f["tiff-huge-100000x100000.tif"] = tiff(grey(100000, 100000, data_at, 64), bytes(64))
    f["tiff-bits-32-float.tif"] = tiff(grey(4, 4, data_at, 64, bits=32, extra=[(339, 3, 1, 3)]), bytes(64))
    f["tiff-bits-0.tif"] = tiff(grey(4, 4, data_at, 16, bits=0), bytes(16))
    f["tiff-photometric-99.tif"] = tiff(grey(8, 8, data_at, 64, photometric=99), bytes(64))
    f["tiff-jpeg-compression-claimed.tif"] = tiff(grey(8, 8, data_at, 64, compression=7), bytes(64))
    f["tiff-compression-unknown.tif"] = tiff(grey(8, 8, data_at, 64, compression=12345), bytes(64))
    f["tiff-lzw-garbage.tif"] = tiff(grey(8, 8, data_at, 64, compression=5), bytes([0xFF] * 64))
    f["tiff-deflate-garbage.tif"] = tiff(grey(8, 8, data_at, 64, compression=8), bytes([0x13] * 64))
    f["tiff-packbits-literal-past-end.tif"] = tiff(grey(8, 8, data_at, 4, compression=32773), bytes([0x7F, 1, 2, 3]))
    f["tiff-tiles-huge.tif"] = tiff(sorted([(256, 4, 1, 16), (257, 4, 1, 16), (258, 3, 1, 8), (259, 3, 1, 1),
                                            (262, 3, 1, 1), (277, 3, 1, 1), (322, 4, 1, 65536), (323, 4, 1, 65536),
                                            (324, 4, 1, 200), (325, 4, 1, 16)]), bytes(64))
    f["tiff-rgb-one-sample.tif"] = tiff(grey(8, 8, data_at, 64, photometric=2), bytes(64))
    for cut in (20, 50, 90):
        f[f"tiff-cut-{cut:02d}.tif"] = good[: len(good) * cut // 100]
    f["bigtiff-truncated.tif"] = b"II+\x00" + struct.pack("<HHQ", 8, 0, 16) + bytes(4)
    return f


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "tests", "corpus")
    out = os.path.join(corpus, "malformed")
    for name, data in sorted(files().items()):
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data)
    print("wrote %d TIFF files to %s" % (len(files()), out))


if __name__ == "__main__":
    main()
