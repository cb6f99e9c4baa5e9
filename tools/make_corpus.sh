#!/usr/bin/env bash
# Regenerates the small synthetic fixtures in tests/corpus/ (committed; CI does
# not run this). Needs Debian's imagemagick and libimage-exiftool-perl, and
# /usr/bin/python3 (standard library only) for the malformed files.
set -euo pipefail
cd "$(dirname "$0")/../tests/corpus"
IM=/usr/bin/convert-im6.q16

# Valid images: synthetic content only (no copies of ../shared data).
$IM -size 320x240 -seed 7 plasma:fractal -blur 0x1 -quality 90 photo.jpg
$IM -size 64x48 gradient:red-blue gradient.png
$IM -size 40x30 xc:none -fill 'rgba(0,128,255,0.5)' -draw 'circle 20,15 20,2' alpha.png
$IM -size 33x17 gradient:white-black -colorspace Gray -depth 8 grey.png
$IM -size 24x16 gradient:yellow-green -type TrueColor BMP3:tiny.bmp
$IM -size 20x10 xc:red -size 20x10 xc:blue -loop 0 anim.gif
# Issue 15's formats, small enough to commit (the full corpus is made at test
# time by make_formats_corpus.py): WebP, TIFF, RLE BMP, and AVIF/HEIC for the
# browser's own decoders. Needs webp, libavif-bin, libheif-examples.
$IM photo.jpg -resize 96x72 /tmp/filigrane-photo-96.png
cwebp -quiet -q 80 /tmp/filigrane-photo-96.png -o photo.webp
$IM -size 24x16 gradient:yellow-green -depth 8 -compress lzw tiny.tif
$IM -size 48x32 gradient:red-blue -colors 16 -compress RLE BMP3:rle8.bmp
avifenc -s 10 --min 20 --max 30 /tmp/filigrane-photo-96.png tiny.avif > /dev/null
heif-enc -q 50 -o tiny.heic /tmp/filigrane-photo-96.png > /dev/null
# Stored 64x32 (landscape) with EXIF Orientation 6: displayed 32x64.
$IM -size 64x32 gradient:black-white -quality 90 oriented6.jpg
exiftool -q -overwrite_original -n -Orientation=6 -Make=Filigrane -Model=Fixture oriented6.jpg

mkdir -p malformed
/usr/bin/python3 - <<'PY'
import struct, zlib, pathlib
m = pathlib.Path("malformed")
photo = pathlib.Path("photo.jpg").read_bytes()
png = pathlib.Path("gradient.png").read_bytes()
gif = pathlib.Path("anim.gif").read_bytes()
bmp = pathlib.Path("tiny.bmp").read_bytes()

def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)

def png_with_size(w, h):
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")

def jpeg_with_size(w, h):
    # Replace the SOF0 dimensions of a real JPEG.
    b = bytearray(photo)
    i = b.index(b"\xff\xc0")
    struct.pack_into(">HH", b, i + 5, h, w)
    return bytes(b)

files = {
    "empty.jpg": b"",
    "garbage.bin": bytes((i * 73 + 41) % 256 for i in range(4096)),
    "text.png": b"this is not an image at all\n",
    "truncated-half.jpg": photo[: len(photo) // 2],
    "truncated-header.jpg": photo[:40],
    "truncated.png": png[: len(png) - 30],
    "short-signature.png": png[:6],
    "truncated.gif": gif[:20],
    "truncated.bmp": bmp[: len(bmp) // 2],
    "huge-100000x100000.png": png_with_size(100000, 100000),
    "huge-60000x60000.png": png_with_size(60000, 60000),
    "zero-width.png": png_with_size(0, 10),
    "huge-65500x65500.jpg": jpeg_with_size(65500, 65500),
    "huge-20000x20000.gif": gif[:6] + struct.pack("<HH", 20000, 20000) + gif[10:],
    "huge-50000x50000.bmp": bmp[:18] + struct.pack("<ii", 50000, 50000) + bmp[26:],
    "png-chunk-past-end.png": png[:8] + struct.pack(">I", 0x7fffffff) + png[12:],
    "jpeg-segment-past-end.jpg": photo[:4] + b"\xff\xff" + photo[6:],
    "jpeg-no-frame.jpg": b"\xff\xd8\xff\xd9",
    "riff-not-webp.webp": b"RIFF\x10\x00\x00\x00WEBPVP8 \x00\x00\x00\x00",
}
for name, data in files.items():
    (m / name).write_bytes(data)
PY
ls -la . malformed
