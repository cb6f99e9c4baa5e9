#!/usr/bin/python3
"""Makes the format corpus of issue 15 with Debian's own tools, and a reference
decode of every file, into OUT (default build/formats-corpus):

  OUT/<name>            the file (WebP, TIFF, GIF, BMP, JPEG, PNG, AVIF, HEIC)
  OUT/<name>.rgba       reference RGBA8 pixels from the format's own decoder
                        (dwebp for still WebP; Pillow, Debian's python3-pil, else)
  OUT/manifest.json     [{file, format, width, height, compare: "exact"|"lossy"|
                          "16bit"|null, expect_error: null|regex, provenance: {...}}]

"exact" files must match the reference pixel for pixel, "16bit" within 1 level
(16-to-8-bit rounding differs between decoders), "lossy" within a mean
absolute difference of 2 levels (decoders of lossy formats may round
differently). Runs in about 20 s; needs APT_PACKAGES of mk/formats.mk.
Usage: tools/make_formats_corpus.py [OUT] [--big] (--big adds 12 MP files for bench-formats)
"""
import json
import os
import pathlib
import shutil
import struct
import subprocess
import sys

from PIL import Image, ImageSequence

ROOT = pathlib.Path(__file__).resolve().parent.parent
args = [a for a in sys.argv[1:] if not a.startswith("--")]
OUT = pathlib.Path(args[0] if args else ROOT / "build" / "formats-corpus")
BIG = "--big" in sys.argv
IM = "/usr/bin/convert-im6.q16"
entries = []


def run(*cmd, **kw):
    subprocess.run([str(c) for c in cmd], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def reference_pillow(path):
    im = Image.open(path)
    im = next(ImageSequence.Iterator(im))  # first frame
    return im.convert("RGBA")


def reference_dwebp(path):
    pam = path.with_suffix(path.suffix + ".pam")
    run("dwebp", path, "-pam", "-o", pam)
    data = pam.read_bytes()
    pam.unlink()
    header_end = data.index(b"ENDHDR\n") + 7
    fields = dict(line.split(" ", 1) for line in data[:header_end].decode().splitlines()[1:-1])
    w, h = int(fields["WIDTH"]), int(fields["HEIGHT"])
    return Image.frombytes("RGBA", (w, h), data[header_end:])


def reference_tiff2rgba(path):
    # libtiff's own converter (16-bit grey: Pillow clips it instead of scaling).
    out = path.with_suffix(".rgba.tif")
    run("tiff2rgba", "-c", "none", path, out)
    im = Image.open(out).convert("RGBA")
    out.unlink()
    return im


def add(name, fmt, compare, reference=None, expect_error=None, provenance=None):
    path = OUT / name
    entry = {"file": name, "format": fmt, "compare": compare, "expect_error": expect_error,
             "provenance": provenance or {}, "bytes": path.stat().st_size}
    if compare:
        im = reference(path) if reference else reference_pillow(path)
        (OUT / (name + ".rgba")).write_bytes(im.tobytes())
        entry.update(width=im.width, height=im.height)
    entries.append(entry)


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    src = OUT / "src"
    src.mkdir()
    # Sources: synthetic photo-like content (no copies of shared data).
    run(IM, "-size", "320x240", "-seed", "7", "plasma:fractal", "-blur", "0x1", src / "photo.png")
    run(IM, "-size", "161x97", "-seed", "3", "plasma:fractal", src / "odd.png")
    run(IM, src / "photo.png", "(", "-size", "320x240", "radial-gradient:white-black", ")",
        "-alpha", "off", "-compose", "CopyOpacity", "-composite", src / "alpha.png")
    run(IM, "-size", "200x150", "gradient:white-black", "-colorspace", "Gray", src / "grey.png")
    photo, alpha, odd = src / "photo.png", src / "alpha.png", src / "odd.png"

    # --- WebP: every mode cwebp/img2webp write.
    for name, opts in [("lossy-q80", ["-q", "80"]), ("lossy-q10", ["-q", "10"]), ("lossy-q100", ["-q", "100"]),
                       ("lossy-sharp-yuv", ["-q", "75", "-sharp_yuv"]), ("lossless", ["-lossless"]),
                       ("lossless-z9", ["-lossless", "-z", "9"]), ("near-lossless", ["-near_lossless", "40"])]:
        run("cwebp", "-quiet", *opts, photo, "-o", OUT / f"webp-{name}.webp")
        add(f"webp-{name}.webp", "webp", "exact", reference_dwebp)
    run("cwebp", "-quiet", "-q", "80", odd, "-o", OUT / "webp-odd-size.webp")
    add("webp-odd-size.webp", "webp", "exact", reference_dwebp)
    run("cwebp", "-quiet", "-q", "80", alpha, "-o", OUT / "webp-lossy-alpha.webp")
    add("webp-lossy-alpha.webp", "webp", "exact", reference_dwebp)
    run("cwebp", "-quiet", "-q", "80", "-alpha_q", "50", "-alpha_filter", "best", alpha, "-o", OUT / "webp-lossy-alpha-q50.webp")
    add("webp-lossy-alpha-q50.webp", "webp", "exact", reference_dwebp)
    run("cwebp", "-quiet", "-lossless", "-exact", alpha, "-o", OUT / "webp-lossless-alpha.webp")
    add("webp-lossless-alpha.webp", "webp", "exact", reference_dwebp)
    # Metadata chunks (VP8X): EXIF and XMP through webpmux.
    run(IM, photo, "-resize", "64x48", src / "meta.jpg")
    run("exiftool", "-q", "-overwrite_original", "-Make=Filigrane", "-Model=WebP Fixture",
        "-XMP-xmp:CreatorTool=Filigrane corpus", src / "meta.jpg")
    exif = subprocess.run(["exiftool", "-b", "-Exif", src / "meta.jpg"], check=True, capture_output=True).stdout
    xmp = subprocess.run(["exiftool", "-b", "-XMP", src / "meta.jpg"], check=True, capture_output=True).stdout
    (src / "meta.exif").write_bytes(exif)
    (src / "meta.xmp").write_bytes(xmp)
    run("cwebp", "-quiet", "-q", "80", photo, "-o", src / "plain.webp")
    run("webpmux", "-set", "exif", src / "meta.exif", src / "plain.webp", "-o", src / "exif.webp")
    run("webpmux", "-set", "xmp", src / "meta.xmp", src / "exif.webp", "-o", OUT / "webp-exif-xmp.webp")
    add("webp-exif-xmp.webp", "webp", "exact", reference_dwebp,
        provenance={"exif.make": "Filigrane", "xmp.creator_tool": "Filigrane corpus"})
    # Animations: the first frame on its canvas (Pillow's reading).
    frames = []
    for i, colour in enumerate(["red", "lime", "blue"]):
        f = src / f"frame{i}.png"
        run(IM, photo, "-fill", colour, "-colorize", str(20 * (i + 1)), f)
        frames.append(f)
    run("img2webp", "-loop", "0", "-lossless", *frames, "-o", OUT / "webp-anim-lossless.webp")
    add("webp-anim-lossless.webp", "webp", "exact")
    run("img2webp", "-loop", "0", "-lossy", "-q", "70", *frames, "-o", OUT / "webp-anim-lossy.webp")
    add("webp-anim-lossy.webp", "webp", "lossy")
    run("gif2webp", "-quiet", ROOT / "tests/corpus/anim.gif", "-o", OUT / "webp-anim-from-gif.webp")
    add("webp-anim-from-gif.webp", "webp", "exact")

    # An animation of 3,000 frames (the "thousands of frames" trick): only the
    # first is decoded. Built from one lossless frame wrapped in ANMF chunks.
    run("cwebp", "-quiet", "-lossless", src / "grey.png", "-resize", "8", "8", "-o", src / "tiny.webp")
    tiny = (src / "tiny.webp").read_bytes()
    assert tiny[12:16] == b"VP8L"
    frame_chunk = tiny[12:]
    def chunk(fourcc, payload):
        return fourcc + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) & 1 else b"")
    def u24(v):
        return struct.pack("<I", v)[:3]
    anmf = chunk(b"ANMF", u24(0) + u24(0) + u24(7) + u24(7) + u24(100) + b"\x02" + frame_chunk)
    body = b"WEBP" + chunk(b"VP8X", b"\x12\0\0\0" + u24(7) + u24(7)) + chunk(b"ANIM", b"\0\0\0\0\0\0") + anmf * 3000
    (OUT / "webp-anim-3000-frames.webp").write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    add("webp-anim-3000-frames.webp", "webp", "exact")

    # --- TIFF: compressions, strips and tiles, 8/16 bit, grey/RGB/RGBA/palette.
    run(IM, photo, "-depth", "8", "-compress", "none", src / "rgb8.tif")
    run(IM, alpha, "-depth", "8", "-compress", "none", src / "rgba8.tif")
    run(IM, photo, "-depth", "16", "-compress", "none", src / "rgb16.tif")
    run(IM, alpha, "-depth", "16", "-compress", "none", src / "rgba16.tif")
    run(IM, src / "grey.png", "-depth", "8", "-compress", "none", src / "grey8.tif")
    run(IM, src / "grey.png", "-depth", "16", "-compress", "none", src / "grey16.tif")
    run(IM, photo, "-colors", "200", "-type", "Palette", "-depth", "8", "-compress", "none", src / "palette8.tif")
    run(IM, src / "grey.png", "-alpha", "on", "-channel", "A", "-evaluate", "set", "60%", "+channel",
        "-type", "GrayscaleAlpha", "-depth", "8", "-compress", "none", src / "greya8.tif")
    for base in ["rgb8", "rgba8", "rgb16", "rgba16", "grey8", "grey16", "palette8", "greya8"]:
        compare = "16bit" if "16" in base else "exact"
        # 16-bit grey: Pillow clips instead of scaling, and tiff2rgba's tile
        # path disagrees with its own strip path by up to 37 levels, so every
        # grey16 file is held to tiff2rgba's reading of the uncompressed strips.
        reference = (lambda _path: reference_tiff2rgba(OUT / "tiff-grey16-none.tif")) if base == "grey16" else None
        for comp in ["none", "lzw", "lzw:2", "zip", "zip:2", "packbits"]:
            if comp.endswith(":2") and base == "palette8":
                continue  # a predictor makes no sense for palette indices
            tag = comp.replace(":2", "-predictor")
            name = f"tiff-{base}-{tag}.tif"
            run("tiffcp", "-c", comp, src / f"{base}.tif", OUT / name)
            add(name, "tiff", compare, reference)
        run("tiffcp", "-c", "lzw", "-t", "-w", "64", "-l", "48", src / f"{base}.tif", OUT / f"tiff-{base}-tiles-lzw.tif")
        add(f"tiff-{base}-tiles-lzw.tif", "tiff", compare, reference)
    run("tiffcp", "-c", "zip", "-r", "7", src / "rgb8.tif", OUT / "tiff-rgb8-strips7-zip.tif")
    add("tiff-rgb8-strips7-zip.tif", "tiff", "exact")
    run("tiffcp", "-p", "separate", src / "rgb8.tif", OUT / "tiff-rgb8-planar.tif")
    add("tiff-rgb8-planar.tif", "tiff", "exact")
    run(IM, photo, "-depth", "8", "-endian", "MSB", "-compress", "lzw", OUT / "tiff-rgb8-bigendian.tif")
    add("tiff-rgb8-bigendian.tif", "tiff", "exact")
    run(IM, photo, "-depth", "16", "-endian", "MSB", "-compress", "zip", OUT / "tiff-rgb16-bigendian.tif")
    add("tiff-rgb16-bigendian.tif", "tiff", "16bit")
    run(IM, src / "grey.png", "-monochrome", "-compress", "Group4", OUT / "tiff-bilevel-g4.tif")
    add("tiff-bilevel-g4.tif", "tiff", "exact")
    run(IM, photo, "-colors", "16", "-type", "Palette", "-depth", "4", "-compress", "lzw", OUT / "tiff-palette4-lzw.tif")
    add("tiff-palette4-lzw.tif", "tiff", "exact")
    run("tiffcp", "-c", "lzw", src / "rgb8.tif", src / "meta.tif")
    run("exiftool", "-q", "-overwrite_original", "-Make=Filigrane", "-Model=TIFF Fixture",
        "-XMP-xmp:CreatorTool=Filigrane corpus", "-IPTC:Credit=Filigrane credit", src / "meta.tif")
    shutil.copy(src / "meta.tif", OUT / "tiff-exif-xmp-iptc.tif")
    add("tiff-exif-xmp-iptc.tif", "tiff", "exact",
        provenance={"exif.make": "Filigrane", "xmp.creator_tool": "Filigrane corpus", "iptc.credit": "Filigrane credit"})
    run(IM, photo, "-compress", "jpeg", OUT / "tiff-jpeg.tif")
    add("tiff-jpeg.tif", "tiff", None, expect_error="JPEG compression")

    # --- GIF: XMP application extension and comments (provenance), frames.
    run(IM, photo, "-colors", "128", "-set", "comment", "made by the Filigrane corpus", src / "meta.gif")
    run("exiftool", "-q", "-overwrite_original", "-XMP-xmp:CreatorTool=Filigrane corpus", src / "meta.gif")
    shutil.copy(src / "meta.gif", OUT / "gif-xmp-comment.gif")
    add("gif-xmp-comment.gif", "gif", "exact",
        provenance={"xmp.creator_tool": "Filigrane corpus", "text:gif:comment": "made by the Filigrane corpus"})
    shutil.copy(ROOT / "tests/corpus/anim.gif", OUT / "gif-anim.gif")
    add("gif-anim.gif", "gif", "exact")

    # --- BMP: run-length encoded (RLE8), plain, with nothing to read for provenance.
    run(IM, photo, "-colors", "200", "-compress", "RLE", "BMP3:" + str(OUT / "bmp-rle8.bmp"))
    add("bmp-rle8.bmp", "bmp", "exact", provenance={"note": "nothing to read"})
    run(IM, photo, "-colors", "16", "-depth", "4", "-compress", "RLE", "BMP3:" + str(OUT / "bmp-rle4.bmp"))
    if b"\x02\x00\x00\x00" == (OUT / "bmp-rle4.bmp").read_bytes()[30:34]:
        add("bmp-rle4.bmp", "bmp", "exact")
    else:
        (OUT / "bmp-rle4.bmp").unlink()  # this ImageMagick writes no RLE4
    run(IM, photo, "BMP3:" + str(OUT / "bmp-24bit.bmp"))
    add("bmp-24bit.bmp", "bmp", "exact")

    # --- JPEG quirks (reference: Pillow = libjpeg-turbo).
    run(IM, photo, src / "photo.ppm")
    run("cjpeg", "-quality", "90", "-outfile", OUT / "jpeg-baseline.jpg", src / "photo.ppm")
    add("jpeg-baseline.jpg", "jpeg", "lossy")
    run("cjpeg", "-quality", "90", "-restart", "1", "-outfile", OUT / "jpeg-restart.jpg", src / "photo.ppm")
    add("jpeg-restart.jpg", "jpeg", "lossy")
    run("cjpeg", "-quality", "90", "-progressive", "-outfile", OUT / "jpeg-progressive.jpg", src / "photo.ppm")
    add("jpeg-progressive.jpg", "jpeg", "lossy")
    run("cjpeg", "-quality", "90", "-arithmetic", "-outfile", OUT / "jpeg-arithmetic.jpg", src / "photo.ppm")
    add("jpeg-arithmetic.jpg", "jpeg", None, expect_error="arithmetic coding")
    run(IM, photo, "-colorspace", "CMYK", "-quality", "92", OUT / "jpeg-cmyk.jpg")
    add("jpeg-cmyk.jpg", "jpeg", "lossy")
    # Two stray bytes before a marker (after APP0), as some cameras write.
    data = (OUT / "jpeg-baseline.jpg").read_bytes()
    app0_end = 4 + struct.unpack(">H", data[4:6])[0]
    (OUT / "jpeg-stray-bytes.jpg").write_bytes(data[:app0_end] + b"\x00\x00" + data[app0_end:])
    run("exiftool", "-q", "-overwrite_original", "-Make=Filigrane", OUT / "jpeg-baseline.jpg")
    data = (OUT / "jpeg-baseline.jpg").read_bytes()
    app_end = 2
    while data[app_end + 1] in (0xE0, 0xE1):
        app_end += 2 + struct.unpack(">H", data[app_end + 2:app_end + 4])[0]
    (OUT / "jpeg-stray-bytes-exif.jpg").write_bytes(data[:app_end] + b"\x00\x00" + data[app_end:])
    add("jpeg-stray-bytes.jpg", "jpeg", "lossy")
    add("jpeg-stray-bytes-exif.jpg", "jpeg", "lossy", provenance={"exif.make": "Filigrane"})

    # --- PNG variants stb reads.
    run(IM, photo, "-depth", "16", OUT / "png-rgb16.png")
    add("png-rgb16.png", "png", "16bit")
    run(IM, photo, "-interlace", "PNG", OUT / "png-interlaced.png")
    add("png-interlaced.png", "png", "exact")
    run(IM, photo, "-colors", "64", "PNG8:" + str(OUT / "png-palette.png"))
    add("png-palette.png", "png", "exact")

    # --- AVIF and HEIC: decoded by the browser, refused in words by the CLI.
    run("avifenc", "--min", "20", "--max", "30", "-s", "10", alpha, OUT / "avif-8bit-alpha.avif")
    add("avif-8bit-alpha.avif", "avif", None, expect_error="needs a browser that decodes AVIF")
    run("avifenc", "-d", "10", "-s", "10", photo, OUT / "avif-10bit.avif")
    add("avif-10bit.avif", "avif", None, expect_error="needs a browser that decodes AVIF")
    run("heif-enc", "-q", "60", "-o", OUT / "heic-photo.heic", photo)
    add("heic-photo.heic", "heic", None, expect_error="needs a browser that decodes HEIC")

    if BIG:  # 12 MP photos for bench-formats (4000 x 3000)
        run(IM, "-size", "1000x750", "-seed", "11", "plasma:fractal", "-resize", "4000x3000!", src / "big.png")
        run("cwebp", "-quiet", "-q", "80", src / "big.png", "-o", OUT / "big-12mp.webp")
        run(IM, src / "big.png", "-depth", "8", "-compress", "lzw", OUT / "big-12mp-lzw.tif")
    shutil.rmtree(src)
    (OUT / "manifest.json").write_text(json.dumps(entries, indent=1) + "\n")
    # The same for the C++ tests: file, format, compare, width, height, expected error.
    with open(OUT / "manifest.tsv", "w") as tsv:
        for e in entries:
            tsv.write("\t".join([e["file"], e["format"], e["compare"] or "-", str(e.get("width", 0)),
                                 str(e.get("height", 0)), e["expect_error"] or "-"]) + "\n")
    print(f"{len(entries)} files in {OUT}")


main()
