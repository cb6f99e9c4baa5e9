#!/usr/bin/python3
"""Writes more malformed files: damaged JPEG, PNG, GIF, BMP and WebP images for
the decoder (tests/corpus/malformed/, every one must be a clean error), and
metadata bombs for the provenance reader (tests/corpus/malformed/provenance/,
prefix "more_": a report, possibly partial, or a clean error).

Deterministic (fixed seed); standard library only; each file stays small.
Images start from the committed fixtures in tests/corpus/ and from bytes
built here. Metadata builders come from make_malformed_provenance.py.

Usage: /usr/bin/python3 tools/make_malformed_images.py [CORPUS_DIR]
       /usr/bin/python3 tools/make_malformed_images.py --xmp-bomb OUT.jpg [MiB]
The second form writes the large XMP case (default 100 MiB of XMP in one
JPEG, spread over APP1 extended-XMP segments) for a test to create at run
time; it is never committed.
"""
import os
import random
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_malformed_provenance as mp  # noqa: E402

SEED = 20261128

# ---------------------------------------------------------------- helpers


def png_chunk(ctype, data, length=None, crc=None):
    c = zlib.crc32(ctype + data) & 0xFFFFFFFF if crc is None else crc
    return struct.pack(">I", len(data) if length is None else length) + ctype + data + struct.pack(">I", c)


PNG_SIG = b"\x89PNG\r\n\x1a\n"


def png(w=4, h=4, depth=8, ctype=6, interlace=0, comp=0, filt=0, idat=None, extra=(), pre=(), iend=True,
        ihdr_len=None):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, comp, filt, interlace)
    chans = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(ctype, 4)
    if idat is None:
        # Rows only for small images; huge ones are refused before IDAT is read.
        rows = min(h, 64)
        row = b"\x00" + bytes(i & 0xFF for i in range(min(w, 64) * chans))
        idat = zlib.compress(row * rows)
    out = PNG_SIG + png_chunk(b"IHDR", ihdr, length=ihdr_len) + b"".join(pre)
    out += png_chunk(b"IDAT", idat) + b"".join(extra)
    return out + (png_chunk(b"IEND", b"") if iend else b"")


def seg(marker, payload, length=None):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2 if length is None else length) + payload


def tiff_ifd_chain(n, big=True, loop_to=None):
    """TIFF with n IFDs chained by next-IFD offsets; the last points to loop_to (or 0)."""
    e = ">" if big else "<"
    out = (b"MM\x00\x2a" if big else b"II\x2a\x00") + struct.pack(e + "I", 8)
    for i in range(n):
        here = 8 + i * 18
        nxt = here + 18 if i + 1 < n else (loop_to or 0)
        out += struct.pack(e + "H", 1) + struct.pack(e + "HHI", 0x0112, 3, 1) + struct.pack(e + "HH", 6, 0)
        out += struct.pack(e + "I", nxt)
    return out


def tiff_entries(entries, big=True, next_ifd=0, tail=b""):
    e = ">" if big else "<"
    out = (b"MM\x00\x2a" if big else b"II\x2a\x00") + struct.pack(e + "I", 8) + struct.pack(e + "H", len(entries))
    for tag, typ, count, value in entries:
        out += struct.pack(e + "HHI", tag, typ, count) + value
    return out + struct.pack(e + "I", next_ifd) + tail


def jpeg_with_exif(base, tiff):
    """Inserts an APP1 EXIF segment after SOI of a JPEG."""
    return base[:2] + seg(0xE1, b"Exif\x00\x00" + tiff) + base[2:]


def without_eoi(jpeg):
    return jpeg[:-2] if jpeg.endswith(b"\xFF\xD9") else jpeg


def replace_sof(jpeg, sof_payload, marker=0xC0):
    i = jpeg.index(b"\xFF\xC0")
    n = struct.unpack(">H", jpeg[i + 2:i + 4])[0]
    return jpeg[:i] + seg(marker, sof_payload) + jpeg[i + 2 + n:]


def gif_header(w, h, flags=0x80, bg=0, aspect=0):
    return b"GIF89a" + struct.pack("<HHBBB", w, h, flags, bg, aspect)


def gif_image(x, y, w, h, lzw_min=2, data=b"\x02\x4c\x01\x00", flags=0):
    return b"\x2c" + struct.pack("<HHHHB", x, y, w, h, flags) + bytes([lzw_min]) + data


def bmp(w, h, bpp=24, compression=0, header_size=40, offset=None, pixels=None, colors=0, planes=1,
        file_size=None):
    row = ((bpp * abs(w) + 31) // 32) * 4 if bpp > 0 else 4
    if pixels is None:
        pixels = bytes((i * 7) & 0xFF for i in range(row * abs(h)))
    palette = b"\x00\x00\xff\x00" * colors
    info = struct.pack("<IiiHHIIiiII", header_size, w, h, planes, bpp, compression, len(pixels), 2835, 2835,
                       colors, 0)
    info = info[:header_size] if header_size <= 40 else info + b"\x00" * (header_size - 40)
    off = 14 + len(info) + len(palette) if offset is None else offset
    body = info + palette + pixels
    size = 14 + len(body) if file_size is None else file_size
    return b"BM" + struct.pack("<IHHI", size, 0, 0, off) + body


def riff(fourcc_body, size=None):
    return b"RIFF" + struct.pack("<I", len(fourcc_body) if size is None else size) + fourcc_body


# ---------------------------------------------------------------- images


def image_files(corpus, rng):
    photo = open(os.path.join(corpus, "oriented6.jpg"), "rb").read()   # small baseline JPEG with EXIF
    big_photo = open(os.path.join(corpus, "photo.jpg"), "rb").read()
    gradient = open(os.path.join(corpus, "gradient.png"), "rb").read()
    alpha = open(os.path.join(corpus, "alpha.png"), "rb").read()
    gif = open(os.path.join(corpus, "anim.gif"), "rb").read()
    tiny_bmp = open(os.path.join(corpus, "tiny.bmp"), "rb").read()
    f = {}

    # JPEG: truncations (no end-of-image marker), lying segment lengths, bad frames.
    for frac in (0.1, 0.3, 0.5, 0.7, 0.9, 0.99):
        f["jpeg-cut-%02d.jpg" % int(frac * 100)] = photo[:int(len(photo) * frac)]
    f["jpeg-cut-in-scan-big.jpg"] = big_photo[:len(big_photo) * 3 // 4]
    f["jpeg-soi-only.jpg"] = b"\xFF\xD8"
    f["jpeg-soi-eoi-ff.jpg"] = b"\xFF\xD8\xFF"
    f["jpeg-app0-length-0.jpg"] = b"\xFF\xD8" + seg(0xE0, b"JFIF\x00", length=0) + photo[2:]
    f["jpeg-app1-length-ffff.jpg"] = b"\xFF\xD8" + seg(0xE1, b"Exif\x00\x00MM", length=0xFFFF) + b"\xFF\xD9"
    f["jpeg-dqt-past-end.jpg"] = b"\xFF\xD8" + seg(0xDB, b"\x00" + bytes(10), length=0x0100) + b"\xFF\xD9"
    f["jpeg-sof-zero-components.jpg"] = replace_sof(photo, b"\x08\x00\x20\x00\x40\x00")
    f["jpeg-sof-255-components.jpg"] = replace_sof(photo, b"\x08\x00\x20\x00\x40\xff" + b"\x01\x11\x00" * 3)
    f["jpeg-sof-zero-width.jpg"] = replace_sof(photo, b"\x08\x00\x20\x00\x00\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01")
    f["jpeg-sof-precision-12.jpg"] = replace_sof(photo, b"\x0c\x00\x20\x00\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01")
    f["jpeg-sof-sampling-zero.jpg"] = replace_sof(photo, b"\x08\x00\x20\x00\x40\x03\x01\x00\x00\x02\x11\x01\x03\x11\x01")
    f["jpeg-sof-sampling-5.jpg"] = replace_sof(photo, b"\x08\x00\x20\x00\x40\x03\x01\x55\x00\x02\x11\x01\x03\x11\x01")
    f["jpeg-sof-bad-quant-table.jpg"] = replace_sof(photo, b"\x08\x00\x20\x00\x40\x03\x01\x22\x09\x02\x11\x09\x03\x11\x09")
    f["jpeg-sof-short.jpg"] = replace_sof(photo, b"\x08\x00\x20")
    f["jpeg-arithmetic-sof9.jpg"] = replace_sof(photo, b"\x08\x00\x20\x00\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 0xC9)
    f["jpeg-lossless-sof3.jpg"] = replace_sof(photo, b"\x08\x00\x20\x00\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 0xC3)
    f["jpeg-no-sof-only-scan.jpg"] = b"\xFF\xD8" + seg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xFF\xD9"
    f["jpeg-marker-not-ff.jpg"] = b"\xFF\xD8\x00\xE0\x00\x10" + photo[6:]
    f["jpeg-only-app-segments.jpg"] = b"\xFF\xD8" + seg(0xE0, b"JFIF\x00\x01\x01") * 40 + b"\xFF\xD9"
    f["jpeg-garbage-scan.jpg"] = photo[:photo.index(b"\xFF\xDA") + 14] + bytes(rng.randrange(256) & 0xFE for _ in range(300)) + b"\xFF\xD9"
    f["huge-65535x65535-sof2.jpg"] = replace_sof(photo, b"\x08\xff\xff\xff\xff\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 0xC2)
    f["jpeg-1x65535-cut.jpg"] = replace_sof(big_photo, b"\x08\xff\xff\x00\x01\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01")[:4000]
    # EXIF problems inside otherwise plausible JPEGs that also lack an end marker:
    # the header reader parses the EXIF block first, then the decode fails cleanly.
    f["jpeg-exif-ifd-loop.jpg"] = without_eoi(jpeg_with_exif(photo, tiff_ifd_chain(3, loop_to=8)))[:-10]
    f["jpeg-exif-ifd0-past-end.jpg"] = without_eoi(jpeg_with_exif(photo, b"MM\x00\x2a\xff\xff\xff\xf0"))[:-10]
    f["jpeg-exif-count-ffff.jpg"] = without_eoi(jpeg_with_exif(photo, b"II\x2a\x00\x08\x00\x00\x00\xff\xff" + b"\x12\x01"))[:-10]
    f["jpeg-exif-orientation-99.jpg"] = without_eoi(jpeg_with_exif(photo, tiff_entries([(0x0112, 3, 1, b"\x00\x63\x00\x00")])))[:-10]
    f["jpeg-exif-empty.jpg"] = without_eoi(jpeg_with_exif(photo, b""))[:-10]

    # PNG: truncations, bad IHDR fields, broken zlib, missing chunks.
    for frac in (0.1, 0.3, 0.5, 0.7, 0.9):
        f["png-cut-%02d.png" % int(frac * 100)] = gradient[:int(len(gradient) * frac)]
    f["png-signature-only.png"] = PNG_SIG
    f["png-ihdr-length-12.png"] = png(ihdr_len=12)
    f["png-ihdr-length-0.png"] = PNG_SIG + png_chunk(b"IHDR", b"", length=0) + png_chunk(b"IEND", b"")
    f["png-bit-depth-3.png"] = png(depth=3)
    f["png-bit-depth-16-palette.png"] = png(depth=16, ctype=3)
    f["png-color-type-5.png"] = png(ctype=5)
    f["png-color-type-7.png"] = png(ctype=7)
    f["png-interlace-2.png"] = png(interlace=2)
    f["png-compression-1.png"] = png(comp=1)
    f["png-filter-method-1.png"] = png(filt=1)
    f["png-no-idat.png"] = PNG_SIG + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 6, 0, 0, 0)) + png_chunk(b"IEND", b"")
    f["png-no-ihdr.png"] = PNG_SIG + png_chunk(b"IDAT", zlib.compress(b"\x00" * 20)) + png_chunk(b"IEND", b"")
    f["png-idat-before-ihdr.png"] = PNG_SIG + png_chunk(b"IDAT", zlib.compress(b"\x00" * 20)) + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 6, 0, 0, 0)) + png_chunk(b"IEND", b"")
    f["png-idat-bad-zlib-header.png"] = png(idat=b"\x78\x00" + bytes(30))
    f["png-idat-corrupt-deflate.png"] = png(idat=b"\x78\x9c\xff\xff\xff\xff\xff\xff\xff\xff")
    f["png-idat-too-short.png"] = png(w=64, h=64, idat=zlib.compress(b"\x00" * 100))
    f["png-filter-type-9.png"] = png(w=4, h=4, idat=zlib.compress((b"\x09" + bytes(16)) * 4))
    f["png-palette-missing.png"] = png(ctype=3)
    f["png-palette-300-entries.png"] = png(ctype=3, pre=[png_chunk(b"PLTE", bytes(900))])
    f["png-palette-not-multiple-of-3.png"] = png(ctype=3, pre=[png_chunk(b"PLTE", bytes(10))])
    f["png-trns-too-long.png"] = png(ctype=3, pre=[png_chunk(b"PLTE", bytes(6)), png_chunk(b"tRNS", bytes(50))])
    f["png-chunk-length-ffffffff.png"] = png(extra=[struct.pack(">I", 0xFFFFFFFF) + b"tEXt" + b"abc"], iend=False)
    f["png-chunk-length-lies-short.png"] = png(extra=[png_chunk(b"tEXt", b"key\x00value" * 10, length=3)])
    f["png-no-iend-garbage.png"] = png(iend=False) + bytes(rng.randrange(256) for _ in range(7))
    f["png-zero-height.png"] = png(h=0)
    f["png-idat-bomb-1x1.png"] = png(w=1, h=1, idat=zlib.compress(b"\x00" * (4 << 20), 9))[:-12] + b"\x00"
    f["png-65536x1-idat-short.png"] = png(w=65536, h=1)
    f["huge-1x65537.png"] = png(w=1, h=65537)
    f["huge-ffffffffxffffffff.png"] = png(w=0xFFFFFFFF, h=0xFFFFFFFF)
    f["huge-80000000x1.png"] = png(w=0x80000000, h=1)

    # GIF: truncations, bad LZW sizes, frames outside the canvas, no frame.
    # (cut after the first frame, a GIF still decodes: those cuts are not here)
    for n in (6, 10, 13, 25, 40):
        f["gif-cut-%03d.gif" % n] = gif[:n]
    table = b"\x00\x00\x00\xff\xff\xff"
    f["gif-no-image.gif"] = gif_header(4, 4) + table + b"\x3b"
    f["gif-lzw-min-0.gif"] = gif_header(4, 4) + table + gif_image(0, 0, 4, 4, lzw_min=0) + b"\x3b"
    f["gif-lzw-min-12.gif"] = gif_header(4, 4) + table + gif_image(0, 0, 4, 4, lzw_min=12) + b"\x3b"
    f["gif-lzw-garbage.gif"] = gif_header(4, 4) + table + gif_image(0, 0, 4, 4, data=b"\x05\xff\xff\xff\xff\xff\x00") + b"\x3b"
    f["gif-frame-outside-canvas.gif"] = gif_header(4, 4) + table + gif_image(60000, 60000, 10, 10) + b"\x3b"
    f["gif-zero-canvas.gif"] = gif_header(0, 0) + table + gif_image(0, 0, 1, 1) + b"\x3b"
    f["gif-color-table-truncated.gif"] = gif_header(4, 4, flags=0x87) + table
    f["gif-extension-unterminated.gif"] = gif_header(4, 4) + table + b"\x21\xf9\x04\x00\x00\x00\x00"
    f["gif-extension-length-past-end.gif"] = gif_header(4, 4) + table + b"\x21\xff\xff" + b"NETSCAPE2.0"
    f["gif-bad-block-introducer.gif"] = gif_header(4, 4) + table + b"\x99" * 8
    f["gif87-signature-only.gif"] = b"GIF87a"
    f["huge-65535x65535.gif"] = gif_header(65535, 65535) + table + gif_image(0, 0, 1, 1) + b"\x3b"

    # BMP: truncations, bad depths and compressions, lying offsets and sizes.
    for frac in (0.05, 0.2, 0.4, 0.6, 0.8, 0.95):
        f["bmp-cut-%02d.bmp" % int(frac * 100)] = tiny_bmp[:int(len(tiny_bmp) * frac)]
    f["bmp-bpp-0.bmp"] = bmp(4, 4, bpp=0)
    f["bmp-bpp-7.bmp"] = bmp(4, 4, bpp=7)
    f["bmp-bpp-64.bmp"] = bmp(4, 4, bpp=64)
    f["bmp-compression-9.bmp"] = bmp(4, 4, compression=9)
    f["bmp-rle8-garbage.bmp"] = bmp(4, 4, bpp=8, compression=1, colors=2, pixels=bytes([0, 2, 250, 250, 0, 0, 255]))
    f["bmp-rle4-on-24bit.bmp"] = bmp(4, 4, bpp=24, compression=2)
    f["bmp-bitfields-no-masks.bmp"] = bmp(4, 4, bpp=16, compression=3, header_size=40, pixels=b"")
    f["bmp-header-size-0.bmp"] = bmp(4, 4, header_size=12)[:14] + b"\x00\x00\x00\x00" + bytes(40)
    f["bmp-header-size-huge.bmp"] = b"BM" + struct.pack("<IHHI", 70, 0, 0, 54) + struct.pack("<I", 0x7FFFFFFF) + bytes(52)
    f["bmp-offset-past-end.bmp"] = bmp(4, 4, offset=0x7FFFFFF0)
    f["bmp-pixels-short.bmp"] = bmp(16, 16, pixels=bytes(100))
    f["bmp-palette-count-huge.bmp"] = bmp(4, 4, bpp=8, colors=0)[:46] + struct.pack("<I", 0x40000000) + bmp(4, 4, bpp=8)[50:]
    f["bmp-zero-width.bmp"] = bmp(0, 4)
    f["bmp-planes-2.bmp"] = bmp(4, 4, planes=2, pixels=bytes(10))
    f["bmp-height-int-min.bmp"] = bmp(4, 4)[:22] + struct.pack("<i", -2 ** 31) + bmp(4, 4)[26:]
    f["bmp-signature-only.bmp"] = b"BM"
    f["huge-65537x1.bmp"] = bmp(65537, 1, pixels=b"")
    f["huge-40000x40000-top-down.bmp"] = bmp(40000, -40000, pixels=b"")

    # WebP: recognised, never decoded yet; containers of every kind must still fail cleanly.
    f["webp-vp8-truncated.webp"] = riff(b"WEBPVP8 " + struct.pack("<I", 100) + b"\x10\x02\x00\x9d\x01\x2a")
    f["webp-vp8l-garbage.webp"] = riff(b"WEBPVP8L" + struct.pack("<I", 20) + bytes(rng.randrange(256) for _ in range(20)))
    f["webp-vp8x-lying-size.webp"] = riff(b"WEBPVP8X" + struct.pack("<I", 0xFFFFFFF0) + bytes(10))
    f["webp-riff-size-huge.webp"] = riff(b"WEBPVP8 " + struct.pack("<I", 4) + bytes(4), size=0xFFFFFFFF)
    f["webp-riff-size-zero.webp"] = riff(b"WEBP", size=0)
    f["webp-header-only.webp"] = b"RIFF\x04\x00\x00\x00WEBP"
    f["webp-anim-frames.webp"] = riff(b"WEBPVP8X" + struct.pack("<I", 10) + b"\x02" + bytes(9) +
                                      (b"ANMF" + struct.pack("<I", 0x7FFFFFFF)) * 3)

    # Signatures followed by random bytes (fixed seed).
    for sig, ext in ((b"\xFF\xD8\xFF", "jpg"), (PNG_SIG, "png"), (b"GIF89a", "gif"), (b"BM", "bmp")):
        for i in range(2):
            tail = bytes(rng.randrange(256) for _ in range(rng.randrange(16, 600)))
            f["random-after-signature-%s-%d.%s" % (ext, i, ext)] = sig + tail
    # Byte flips in the header area of real files (structure damaged early).
    for name, data in (("png", alpha), ("bmp", tiny_bmp)):
        for i in range(2):
            b = bytearray(data)
            for _ in range(6):
                pos = rng.randrange(8, min(40, len(b)))
                b[pos] = rng.randrange(256)
            f["flip-header-%s-%d.%s" % (name, i, name)] = bytes(b)
    return f


def stb_issue_files(corpus):
    """Inputs that trip sanitizers inside Debian's stb_image; kept in malformed/fuzz/
    (not replayed under ASan) until core/codec.cpp refuses them first."""
    photo = open(os.path.join(corpus, "oriented6.jpg"), "rb").read()
    return {
        # DHT counts summing to 4080: stbi__build_huffman writes past size[257].
        "stb-dht-more-than-256-codes.jpg": photo[:2] + seg(0xC4, b"\x00" + b"\xff" * 16 + b"\x01" * 8) + photo[2:],
        # Same table in a progressive file, after the first scan.
        "stb-dht-after-first-scan.jpg": photo[:-2] + seg(0xC4, b"\x10" + b"\x20" * 16 + b"\x00" * 40) + b"\xFF\xD9",
        # Zero-length first IDAT: stbi__getn calls memcpy(NULL, p, 0) (UBSan nonnull; harmless).
        "stb-png-empty-first-idat.png": png(idat=b""),
    }


# ---------------------------------------------------------------- metadata bombs


def xmp_packet(body):
    return (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' + body +
            b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def jpeg_meta(*segments):
    return b"\xFF\xD8" + b"".join(segments) + seg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xFF\xD9"


def app1_xmp(packet):
    return seg(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet)


def app1_ext_xmp(guid, full_length, offset, chunk):
    return seg(0xE1, b"http://ns.adobe.com/xmp/extension/\x00" + guid + struct.pack(">II", full_length, offset) + chunk)


def provenance_files(rng):
    f = {}
    # EXIF IFD loops and lies (big- and little-endian), in JPEG APP1 and PNG eXIf.
    f["exif_chain_100_ifds"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_ifd_chain(100)))
    f["exif_chain_loop_to_ifd0_le"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_ifd_chain(5, big=False, loop_to=8)))
    f["exif_chain_loop_to_middle"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_ifd_chain(6, loop_to=8 + 3 * 18)))
    f["exif_self_pointing_exif_ifd"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_entries([(0x8769, 4, 1, struct.pack(">I", 8))])))
    f["exif_gps_points_to_ifd0"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_entries([(0x8825, 4, 1, struct.pack(">I", 8))])))
    f["exif_exif_and_gps_cross"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_entries(
        [(0x8769, 4, 1, struct.pack(">I", 8)), (0x8825, 4, 1, struct.pack(">I", 8))], next_ifd=8)))
    f["exif_count_overflow_double"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_entries([(0x010F, 12, 0x40000000, struct.pack(">I", 26))])))
    f["exif_count_overflow_ascii"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_entries([(0x0110, 2, 0xFFFFFFFF, struct.pack(">I", 26))])))
    f["exif_offset_ffffffff"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_entries([(0x0131, 2, 100, b"\xff\xff\xff\xff")])))
    f["exif_unknown_type_0"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_entries([(0x010F, 0, 5, b"abcd"), (0x0112, 99, 1, b"\x00\x01\x00\x00")])))
    f["exif_user_comment_huge_count"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_entries(
        [(0x8769, 4, 1, struct.pack(">I", 26))], tail=struct.pack(">H", 1) + struct.pack(">HHII", 0x9286, 7, 0x7FFFFFFF, 44) + b"\x00" * 4 + b"UNICODE\x00\x00a")))
    f["exif_user_comment_odd_utf16"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00" + tiff_entries(
        [(0x8769, 4, 1, struct.pack(">I", 26))], tail=struct.pack(">H", 1) + struct.pack(">HHII", 0x9286, 7, 11, 44) + b"\x00" * 4 + b"UNICODE\x00\xd8\x00\xdc")))
    f["exif_header_only"] = jpeg_meta(seg(0xE1, b"Exif\x00\x00MM\x00\x2a"))
    f["exif_png_loop_le"] = mp.png_file(extra_chunks=[mp.png_chunk(b"eXIf", tiff_ifd_chain(4, big=False, loop_to=8 + 18))])
    f["exif_webp_loop"] = mp.webp_file(chunks=[mp.riff_chunk(b"EXIF", tiff_ifd_chain(3, loop_to=8))])
    f["exif_many_segments"] = jpeg_meta(*[seg(0xE1, b"Exif\x00\x00" + tiff_ifd_chain(2, loop_to=8))] * 200)

    # XMP bombs, each small: deep nesting, many entities, many properties, unterminated pieces.
    f["xmp_deep_nesting"] = jpeg_meta(app1_xmp(xmp_packet(b"<rdf:Description><a:x>" * 2700)))
    f["xmp_entity_flood"] = jpeg_meta(app1_xmp(xmp_packet(b'<rdf:Description xmp:CreatorTool="' + b"&amp;&#x41;&#65;&lt;" * 2500 + b'"/>')))
    f["xmp_bad_entities"] = jpeg_meta(app1_xmp(xmp_packet(b'<rdf:Description xmp:CreatorTool="&#xFFFFFFFFF;&#99999999;&#;&bogus;&' + b'"/>')))
    f["xmp_many_properties"] = jpeg_meta(app1_xmp(xmp_packet(b'<rdf:Description xmp:CreatorTool="a"/>' * 1500)))
    f["xmp_unterminated_attribute"] = jpeg_meta(app1_xmp(xmp_packet(b'<rdf:Description xmp:CreatorTool="never closed')))
    f["xmp_unterminated_element"] = jpeg_meta(app1_xmp(b"<Iptc4xmpExt:DigitalSourceType>" + b"x" * 3000))
    f["xmp_li_without_close"] = jpeg_meta(app1_xmp(xmp_packet(b"<xmp:CreatorTool><rdf:Alt>" + b"<rdf:li>" * 3000)))
    f["xmp_prefix_only_names"] = jpeg_meta(app1_xmp(xmp_packet(b"<:CreatorTool>v</:CreatorTool><::>:=\"\"" * 200)))
    f["xmp_nul_bytes"] = jpeg_meta(app1_xmp(xmp_packet(b'<rdf:Description xmp:CreatorTool="a\x00b"/>' + b"\x00" * 2000)))
    f["xmp_invalid_utf8"] = jpeg_meta(app1_xmp(xmp_packet(b'<rdf:Description xmp:CreatorTool="\xff\xfe\xc0\x80\xed\xa0\x80"/>')))
    guid = b"0123456789ABCDEF0123456789ABCDEF"
    f["xmp_ext_many_chunks_lying_lengths"] = jpeg_meta(app1_xmp(xmp_packet(b"")), *[
        app1_ext_xmp(guid, 1000 + i * 997, i * 50, b"y" * 60) for i in range(60)])
    f["xmp_ext_offset_overflow"] = jpeg_meta(app1_ext_xmp(guid, 0xFFFFFFFF, 0xFFFFFFF0, b"z" * 100))
    f["xmp_ext_zero_length"] = jpeg_meta(app1_ext_xmp(guid, 0, 0, b"q" * 10))
    f["xmp_ext_short_header"] = jpeg_meta(seg(0xE1, b"http://ns.adobe.com/xmp/extension/\x00" + guid[:10]))
    f["xmp_ext_duplicate_chunks"] = jpeg_meta(*[app1_ext_xmp(guid, 100, 0, b"d" * 100)] * 50)
    f["xmp_png_itxt_bomb"] = mp.png_file(extra_chunks=[mp.png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" +
                                                                     zlib.compress(b"<a>" * (6 << 20), 9))])
    f["xmp_webp_many_chunks"] = mp.webp_file(chunks=[mp.riff_chunk(b"XMP ", xmp_packet(b"<a:b>"))] * 300)

    # JUMBF nesting: just over the depth limit, deep with extend-to-end boxes, XL boxes.
    def nest(depth, inner=mp.box(b"cbor", b"\xa0")):
        b = inner
        for i in range(depth):
            b = mp.superbox(b"c2pa" if i == depth - 1 else b"c2ma", "n", [b])
        return b
    f["jumbf_depth_13"] = mp.png_file(cabx=nest(13))
    f["jumbf_depth_12"] = mp.png_file(cabx=nest(12))
    f["jumbf_depth_400"] = mp.png_file(cabx=nest(400))
    lbox0 = b"\x00\x00\x00\x00jumb"
    desc = mp.box(b"jumd", b"c2pa" + bytes.fromhex("00110010800000aa00389b71") + b"\x03c2pa\x00")
    f["jumbf_length_zero_nested"] = mp.png_file(cabx=(lbox0 + desc) * 200)
    xl = b""
    for _ in range(50):
        body = desc + xl
        xl = b"\x00\x00\x00\x01jumb" + struct.pack(">Q", len(body) + 16) + body
    f["jumbf_xl_nested"] = mp.png_file(cabx=xl)
    f["jumbf_xl_smaller_than_header"] = mp.png_file(cabx=b"\x00\x00\x00\x01jumb" + struct.pack(">Q", 8) + desc)
    f["jumbf_description_length_24"] = mp.png_file(cabx=mp.box(b"jumb", struct.pack(">I", 24) + b"jumd" + bytes(16)))
    f["jumbf_description_larger_than_box"] = mp.png_file(cabx=mp.box(b"jumb", struct.pack(">I", 4000) + b"jumd" + bytes(20)))
    f["jumbf_app11_deep"] = b"\xFF\xD8" + mp.app11_segments(nest(300), chunk=1000) + b"\xFF\xD9"
    f["jumbf_webp_deep"] = mp.webp_file(chunks=[mp.riff_chunk(b"C2PA", nest(100))])

    # CBOR nesting bombs and lying lengths inside an otherwise valid store.
    def store_with(actions=None, claim=None, signature=None):
        return mp.png_file(cabx=mp.manifest_store(actions_cbor=actions, claim_cbor=claim, signature_cbor=signature))
    f["cbor_array_depth_33"] = store_with(actions=b"\x81" * 33 + b"\x00")
    f["cbor_array_depth_32"] = store_with(actions=b"\x81" * 31 + b"\x00")
    f["cbor_map_depth_5000"] = store_with(claim=b"\xa1\x00" * 5000 + b"\x00")
    f["cbor_tag_depth_10000"] = store_with(claim=b"\xc6" * 10000 + b"\x00")
    f["cbor_indefinite_depth_5000"] = store_with(actions=b"\x9f" * 5000)
    f["cbor_indefinite_string_bad_chunk"] = store_with(claim=b"\x5f\x41a\x61b\xff")
    f["cbor_array_count_2_64"] = store_with(claim=b"\x9b" + b"\xff" * 8)
    f["cbor_map_count_2_32"] = store_with(claim=b"\xba\xff\xff\xff\xff\x00")
    f["cbor_bytes_length_past_end"] = store_with(signature=b"\xd2\x84\x5a\x7f\xff\xff\xff")
    f["cbor_items_over_limit"] = store_with(claim=b"\x9a\x00\x03\x0d\x41" + b"\x00" * 10)
    f["cbor_break_outside_indefinite"] = store_with(claim=b"\xff")
    f["cbor_reserved_additional_info"] = store_with(claim=b"\xbe", actions=b"\x1f")
    f["cbor_half_float_nan_keys"] = store_with(claim=b"\xa2\xf9\x7e\x00\x01\xfb\x7f\xf8\x00\x00\x00\x00\x00\x00\x02")
    f["cbor_text_invalid_utf8"] = store_with(claim=mp.cbor({"claim_generator": "x"}).replace(b"x", b"\xff"))
    f["cbor_cose_deep_unprotected"] = store_with(signature=b"\xd2\x84\x40" + b"\xa1\x00" * 3000 + b"\x00\xf6\x40")
    f["cbor_cose_x5chain_many"] = store_with(signature=mp.cbor(mp.Tag(18, [mp.cbor({33: [b"\x30\x00"] * 500}), {}, None, b""])))

    # Random byte blocks in each metadata slot (fixed seed).
    for i in range(4):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(20, 800)))
        f["random_exif_%d" % i] = jpeg_meta(seg(0xE1, b"Exif\x00\x00MM\x00\x2a" + blob))
        f["random_jumbf_%d" % i] = mp.png_file(cabx=b"\x00\x00\x01\x00jumb" + blob)
    return {"more_" + k: v for k, v in f.items()}


def write_xmp_bomb(path, mib):
    """One JPEG with an `mib` MiB extended-XMP packet in ~64 KiB APP1 segments."""
    total = mib << 20
    guid = b"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
    chunk = 65000
    filler = b"<a:x>" * (chunk // 5)
    with open(path, "wb") as out:
        out.write(b"\xFF\xD8" + app1_xmp(xmp_packet(b'<rdf:Description xmpNote:HasExtendedXMP="' + guid + b'"/>')))
        offset = 0
        while offset < total:
            part = filler[:min(chunk, total - offset)]
            out.write(app1_ext_xmp(guid, total, offset, part))
            offset += len(part)
        out.write(seg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xFF\xD9")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if len(sys.argv) >= 3 and sys.argv[1] == "--xmp-bomb":
        write_xmp_bomb(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 100)
        return
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "tests", "corpus")
    rng = random.Random(SEED)
    images = image_files(corpus, rng)
    meta = provenance_files(rng)
    out_images = os.path.join(corpus, "malformed")
    out_meta = os.path.join(out_images, "provenance")
    os.makedirs(out_meta, exist_ok=True)
    for name in sorted(images):
        with open(os.path.join(out_images, name), "wb") as fh:
            fh.write(images[name])
    out_fuzz = os.path.join(out_images, "fuzz")
    os.makedirs(out_fuzz, exist_ok=True)
    for name, data in sorted(stb_issue_files(corpus).items()):
        with open(os.path.join(out_fuzz, name), "wb") as fh:
            fh.write(data)
    for name in sorted(meta):
        with open(os.path.join(out_meta, name + ".bin"), "wb") as fh:
            fh.write(meta[name])
    print("wrote %d images to %s and %d metadata files to %s" % (len(images), out_images, len(meta), out_meta))


if __name__ == "__main__":
    main()
