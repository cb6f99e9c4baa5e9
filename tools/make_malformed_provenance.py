#!/usr/bin/python3
"""Writes small malformed image files for the provenance reader's tests.

Every file is built here from scratch (synthetic JPEG/PNG/WebP/HEIF files
carrying EXIF, XMP, IPTC, generator text and a C2PA manifest store), then
truncated or mutated. Output is deterministic. Standard library only.

Usage: /usr/bin/python3 tools/make_malformed_provenance.py [OUT_DIR]
(default: tests/corpus/malformed/provenance next to this script's repo root)
"""
import os
import random
import struct
import sys
import zlib

# ---------------------------------------------------------------- CBOR, DER


def cbor_head(major, value):
    if value < 24:
        return bytes([major << 5 | value])
    if value < 0x100:
        return bytes([major << 5 | 24, value])
    if value < 0x10000:
        return bytes([major << 5 | 25]) + struct.pack(">H", value)
    if value < 0x100000000:
        return bytes([major << 5 | 26]) + struct.pack(">I", value)
    return bytes([major << 5 | 27]) + struct.pack(">Q", value)


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


def cbor(v):
    if isinstance(v, bool):
        return b"\xf5" if v else b"\xf4"
    if v is None:
        return b"\xf6"
    if isinstance(v, int):
        return cbor_head(0, v) if v >= 0 else cbor_head(1, -1 - v)
    if isinstance(v, bytes):
        return cbor_head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return cbor_head(3, len(b)) + b
    if isinstance(v, list):
        return cbor_head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return cbor_head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    if isinstance(v, Tag):
        return cbor_head(6, v.tag) + cbor(v.value)
    raise TypeError(v)


def der(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82]) + struct.pack(">H", n)
    return bytes([tag]) + length + content


def der_name(cn, org):
    def atv(oid_last, text):
        return der(0x31, der(0x30, der(0x06, bytes([0x55, 0x04, oid_last])) + der(0x0C, text.encode())))
    return der(0x30, atv(0x0A, org) + atv(0x03, cn))


def fake_certificate():
    alg = der(0x30, der(0x06, bytes.fromhex("2a864886f70d01010b")))
    validity = der(0x30, der(0x17, b"240101000000Z") + der(0x17, b"300101000000Z"))
    tbs = der(0x30, der(0xA0, der(0x02, b"\x02")) + der(0x02, b"\x01\x02\x03") + alg +
              der_name("Test Issuer", "Test CA") + validity + der_name("Synthetic Signer", "Synthetic Org") +
              der(0x30, b""))
    return der(0x30, tbs + alg + der(0x03, b"\x00" + b"\x00" * 8))


def fake_timestamp_token():
    tst_info = der(0x30, der(0x02, b"\x01") + der(0x06, b"\x2a\x03") + der(0x30, b"") +
                   der(0x02, b"\x05") + der(0x18, b"20240102030405Z"))
    encap = der(0x30, der(0x06, bytes.fromhex("2a864886f70d0109101004")) + der(0xA0, der(0x04, tst_info)))
    signed = der(0x30, der(0x02, b"\x03") + der(0x31, b"") + encap)
    return der(0x30, der(0x06, bytes.fromhex("2a864886f70d010702")) + der(0xA0, signed))

# ---------------------------------------------------------------- JUMBF / C2PA


def box(btype, payload):
    return struct.pack(">I", len(payload) + 8) + btype + payload


def superbox(tag4, label, children):
    desc = tag4 + bytes.fromhex("00110010800000aa00389b71")  # C2PA UUID suffix
    desc += b"\x03" + label.encode() + b"\x00"
    return box(b"jumb", box(b"jumd", desc) + b"".join(children))


def cbor_box(value_bytes):
    return box(b"cbor", value_bytes)


def manifest_store(actions_cbor=None, claim_cbor=None, signature_cbor=None):
    if actions_cbor is None:
        actions_cbor = cbor({"actions": [{
            "action": "c2pa.created",
            "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
            "softwareAgent": {"name": "Synth", "version": "1.0"}}]})
    if claim_cbor is None:
        claim_cbor = cbor({"claim_generator": "synth/1.0", "dc:title": "synthetic.jpg",
                           "dc:format": "image/jpeg", "signature": "self#jumbf=c2pa.signature",
                           "claim_generator_info": [{"name": "synth", "version": "1.0"}]})
    if signature_cbor is None:
        protected = cbor({1: -7, 33: fake_certificate()})
        signature_cbor = cbor(Tag(18, [protected, {"sigTst": {"tstTokens": [{"val": fake_timestamp_token()}]}},
                                       None, b"\x00" * 64]))
    ingredient = cbor({"dc:title": "parent.jpg", "relationship": "parentOf"})
    assertions = superbox(b"c2as", "c2pa.assertions", [
        superbox(b"cbor", "c2pa.actions", [cbor_box(actions_cbor)]),
        superbox(b"cbor", "c2pa.ingredient", [cbor_box(ingredient)]),
    ])
    manifest = superbox(b"c2ma", "urn:uuid:00000000-0000-0000-0000-000000000001", [
        assertions,
        superbox(b"c2cl", "c2pa.claim", [cbor_box(claim_cbor)]),
        superbox(b"c2cs", "c2pa.signature", [cbor_box(signature_cbor)]),
    ])
    return superbox(b"c2pa", "c2pa", [manifest])

# ---------------------------------------------------------------- EXIF / XMP


def tiff_block(loop=False, bad_offset=False, huge_count=False):
    """Big-endian TIFF: IFD0 (Make, Model, Software, ExifIFD, GPS), Exif IFD, GPS IFD."""
    def entry(tag, typ, count, value):
        return struct.pack(">HHI", tag, typ, count) + value

    make, model, software = b"SynthCam\x00", b"Model X1\x00", b"synth-software 2.0\x00"
    comment = b"UNICODE\x00" + "a prompt\nSteps: 20, Sampler: Euler".encode("utf-16-be")
    ifd0_off = 8
    n0 = 5
    data_off = ifd0_off + 2 + n0 * 12 + 4
    exif_off = data_off + len(make) + len(model) + len(software)
    exif_n = 2
    comment_off = exif_off + 2 + exif_n * 12 + 4
    gps_off = comment_off + len(comment)
    gps_n = 2
    ifd0 = struct.pack(">H", 0xFFFF if huge_count else n0)
    ifd0 += entry(0x010F, 2, len(make), struct.pack(">I", data_off))
    ifd0 += entry(0x0110, 2, len(model), struct.pack(">I", 0x7FFFFFF0 if bad_offset else data_off + len(make)))
    ifd0 += entry(0x0131, 2, len(software), struct.pack(">I", data_off + len(make) + len(model)))
    ifd0 += entry(0x8769, 4, 1, struct.pack(">I", ifd0_off if loop else exif_off))
    ifd0 += entry(0x8825, 4, 1, struct.pack(">I", gps_off))
    ifd0 += struct.pack(">I", ifd0_off if loop else 0)
    exif = struct.pack(">H", exif_n)
    exif += entry(0x9003, 2, 20, struct.pack(">I", data_off))  # points at text; fine for a reader
    exif += entry(0x9286, 7, len(comment), struct.pack(">I", comment_off))
    exif += struct.pack(">I", 0)
    gps = struct.pack(">H", gps_n) + entry(0x0001, 2, 2, b"N\x00\x00\x00") + \
        entry(0x0002, 5, 3, struct.pack(">I", gps_off))
    gps += struct.pack(">I", 0)
    return b"MM\x00\x2a" + struct.pack(">I", ifd0_off) + ifd0 + make + model + software + exif + comment + gps


XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Synth Tool 3" '
       b'xmlns:dcterms="http://purl.org/dc/terms/" dcterms:provenance="self#jumbf=/c2pa/x/c2pa.claim">'
       b'<Iptc4xmpExt:DigitalSourceType xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">'
       b'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>'
       b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')

# ---------------------------------------------------------------- containers


def jpeg_segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def app11_segments(jumbf, chunk=400, instance=1, sequence_fix=None):
    header = jumbf[:8]
    body = jumbf[8:]
    segs = []
    seq = 1
    first = True
    while body or first:
        part = body[:chunk]
        body = body[chunk:]
        payload = b"JP" + struct.pack(">HI", instance, sequence_fix(seq) if sequence_fix else seq) + header + part
        segs.append(jpeg_segment(0xEB, payload))
        seq += 1
        first = False
    return b"".join(segs)


def iptc_irb():
    iim = b"\x1c\x02\x6e" + struct.pack(">H", 6) + b"Credit"
    return b"Photoshop 3.0\x00" + b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + \
        struct.pack(">I", len(iim)) + iim


def jpeg_file(tiff=None, xmp=XMP, jumbf=None, extra=b""):
    out = b"\xFF\xD8"
    out += jpeg_segment(0xE1, b"Exif\x00\x00" + (tiff if tiff is not None else tiff_block()))
    out += jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp)
    out += jpeg_segment(0xED, iptc_irb())
    out += app11_segments(jumbf if jumbf is not None else manifest_store())
    out += extra
    # Minimal scan header and data; the reader stops at SOS.
    out += jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34" + b"\xFF\xD9"
    return out


def png_chunk(ctype, data, length=None):
    return struct.pack(">I", len(data) if length is None else length) + ctype + data + \
        struct.pack(">I", zlib.crc32(ctype + data) & 0xFFFFFFFF)


def png_file(extra_chunks=(), ztxt=None, cabx=None, rgba=True):
    w = h = 4
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6 if rgba else 2, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes(range(w * (4 if rgba else 3))) for _ in range(h))
    chunks = [png_chunk(b"IHDR", ihdr)]
    chunks.append(png_chunk(b"tEXt", b"parameters\x00a synthetic prompt\nNegative prompt: blur\n"
                                      b"Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1"))
    chunks.append(png_chunk(b"zTXt", ztxt if ztxt is not None else
                            b"Comment\x00\x00" + zlib.compress(b"compressed comment " * 20)))
    chunks.append(png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + zlib.compress(XMP)))
    chunks.append(png_chunk(b"eXIf", tiff_block()))
    chunks.append(png_chunk(b"caBX", cabx if cabx is not None else manifest_store()))
    chunks.extend(extra_chunks)
    chunks.append(png_chunk(b"IDAT", zlib.compress(raw)))
    chunks.append(png_chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def riff_chunk(fourcc, data, size=None):
    out = fourcc + struct.pack("<I", len(data) if size is None else size) + data
    return out + (b"\x00" if len(data) % 2 else b"")


def webp_file(riff_size=None, chunks=None):
    if chunks is None:
        chunks = [riff_chunk(b"VP8X", b"\x2c\x00\x00\x00" + b"\x03\x00\x00\x03\x00\x00"),
                  riff_chunk(b"EXIF", tiff_block()), riff_chunk(b"XMP ", XMP),
                  riff_chunk(b"C2PA", manifest_store())]
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body) if riff_size is None else riff_size) + body


def isobox(btype, payload):
    return struct.pack(">I", len(payload) + 8) + btype + payload


def fullbox(btype, version, payload):
    return isobox(btype, bytes([version, 0, 0, 0]) + payload)


def heif_file(iloc_override=None, iinf_count=None, exif_offset_field=0):
    exif_item = struct.pack(">I", exif_offset_field) + b"Exif\x00\x00"[:0] + tiff_block()
    xmp_item = XMP
    ftyp = isobox(b"ftyp", b"heic" + b"\x00\x00\x00\x00" + b"mif1heic")
    hdlr = fullbox(b"hdlr", 0, b"\x00" * 4 + b"pict" + b"\x00" * 12 + b"\x00")
    infe1 = fullbox(b"infe", 2, struct.pack(">HH", 1, 0) + b"Exif" + b"\x00")
    infe2 = fullbox(b"infe", 2, struct.pack(">HH", 2, 0) + b"mime" + b"\x00" + b"application/rdf+xml\x00")
    iinf = fullbox(b"iinf", 0, struct.pack(">H", 2 if iinf_count is None else iinf_count) + infe1 + infe2)

    def build(mdat_start):
        items = [(1, mdat_start, len(exif_item)), (2, mdat_start + len(exif_item), len(xmp_item))]
        payload = bytes([0x44, 0x00]) + struct.pack(">H", len(items))
        for item_id, off, length in items:
            payload += struct.pack(">HHH", item_id, 0, 1) + struct.pack(">II", off, length)
        return fullbox(b"iloc", 0, payload)

    iloc = build(0)
    meta_len = len(fullbox(b"meta", 0, hdlr + iinf + iloc))
    mdat_start = len(ftyp) + meta_len + 8
    iloc = iloc_override if iloc_override is not None else build(mdat_start)
    meta = fullbox(b"meta", 0, hdlr + iinf + iloc)
    return ftyp + meta + isobox(b"mdat", exif_item + xmp_item)

# ---------------------------------------------------------------- mutations


def deep_cbor_array(depth):
    return b"\x81" * depth + b"\x00"


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "tests", "corpus", "malformed", "provenance")
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(20240605)
    files = {}

    bases = {"jpeg": jpeg_file(), "png": png_file(), "webp": webp_file(), "heif": heif_file()}
    for name, data in bases.items():
        files["valid_%s" % name] = data  # well-formed controls
        for frac in (0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.97):
            files["trunc_%s_%02d" % (name, int(frac * 100))] = data[:max(1, int(len(data) * frac))]
        for i in range(3):
            b = bytearray(data)
            for _ in range(8):
                b[rng.randrange(len(b))] = rng.randrange(256)
            files["flip_%s_%d" % (name, i)] = bytes(b)

    # JPEG
    files["jpeg_segment_past_end"] = b"\xFF\xD8" + b"\xFF\xE1\xFF\xF0Exif\x00\x00MM"
    files["jpeg_segment_length_1"] = b"\xFF\xD8\xFF\xE1\x00\x01\xFF\xD9"
    files["jpeg_only_fill_bytes"] = b"\xFF\xD8" + b"\xFF" * 200
    files["jpeg_exif_ifd_loop"] = jpeg_file(tiff=tiff_block(loop=True))
    files["jpeg_exif_offset_past_end"] = jpeg_file(tiff=tiff_block(bad_offset=True))
    files["jpeg_exif_huge_entry_count"] = jpeg_file(tiff=tiff_block(huge_count=True))
    files["jpeg_exif_bad_header"] = jpeg_file(tiff=b"XX\x00\x2a\x00\x00\x00\x08")
    files["jpeg_exif_first_ifd_past_end"] = jpeg_file(tiff=b"MM\x00\x2a\x7f\xff\xff\xff")
    files["jpeg_xmp_unterminated"] = jpeg_file(xmp=XMP[:XMP.find(b"http://cv")] + b"trainedAlgo")
    files["jpeg_xmp_nested_open_tags"] = jpeg_file(xmp=b"<a:CreatorTool>" * 3000)
    ext = b"http://ns.adobe.com/xmp/extension/\x00" + b"0" * 32 + struct.pack(">II", 0xFFFFFFF0, 0) + b"<x/>"
    files["jpeg_extended_xmp_huge_length"] = jpeg_file(extra=jpeg_segment(0xE1, ext))
    ext2 = b"http://ns.adobe.com/xmp/extension/\x00" + b"1" * 32 + struct.pack(">II", 100, 90) + b"x" * 40
    files["jpeg_extended_xmp_chunk_outside"] = jpeg_file(extra=jpeg_segment(0xE1, ext2))
    files["jpeg_app11_out_of_sequence"] = b"\xFF\xD8" + app11_segments(manifest_store(), sequence_fix=lambda s: 7 - s) + b"\xFF\xD9"
    xl = b"\x00\x00\x00\x01jumb" + struct.pack(">Q", 0xFFFFFFFFFFFFFF00) + b"\x00\x00\x00\x20jumd" + b"c2pa" + b"\x00" * 16
    files["jpeg_app11_huge_xlbox"] = b"\xFF\xD8" + jpeg_segment(0xEB, b"JP\x00\x01\x00\x00\x00\x01" + xl) + b"\xFF\xD9"
    files["jpeg_app11_short"] = b"\xFF\xD8" + jpeg_segment(0xEB, b"JP\x00\x01\x00\x00\x00\x01\x00\x00") + b"\xFF\xD9"
    files["jpeg_iptc_length_past_end"] = b"\xFF\xD8" + jpeg_segment(0xED, b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00\x7f\xff\xff\xff") + b"\xFF\xD9"
    files["jpeg_iim_extended_length"] = b"\xFF\xD8" + jpeg_segment(0xED, b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00" + struct.pack(">I", 9) + b"\x1c\x02\x6e\x80\x04\xff\xff\xff\xff") + b"\xFF\xD9"

    # C2PA payloads (carried in PNG caBX)
    files["c2pa_deep_cbor_actions"] = png_file(cabx=manifest_store(actions_cbor=deep_cbor_array(10000)))
    files["c2pa_cbor_huge_string"] = png_file(cabx=manifest_store(claim_cbor=b"\xa1\x7b" + b"\xff" * 8 + b"x"))
    files["c2pa_cbor_huge_map"] = png_file(cabx=manifest_store(claim_cbor=b"\xbb" + b"\x0f" * 8))
    files["c2pa_cbor_indefinite_unterminated"] = png_file(cabx=manifest_store(claim_cbor=b"\xbf\x61a\x9f\x01\x02"))
    files["c2pa_cbor_reserved"] = png_file(cabx=manifest_store(actions_cbor=b"\xa1\x1c"))
    files["c2pa_cose_not_array"] = png_file(cabx=manifest_store(signature_cbor=cbor(Tag(18, "nope"))))
    files["c2pa_cose_bad_cert"] = png_file(cabx=manifest_store(signature_cbor=cbor(Tag(18, [cbor({33: b"\x30\x84\xff\xff\xff\xff"}), {}, None, b""]))))
    files["c2pa_cose_bad_timestamp"] = png_file(cabx=manifest_store(signature_cbor=cbor(Tag(18, [cbor({33: [fake_certificate()]}), {"sigTst": {"tstTokens": [{"val": b"\x30\x03\x02\x01"}]}}, None, b""]))))
    store = manifest_store()
    deep = box(b"cbor", b"\x00")
    for i in range(60):
        deep = superbox(b"c2pa" if i == 59 else b"c2ma", "n", [deep])
    files["jumbf_deep_nesting"] = png_file(cabx=deep)
    files["jumbf_box_length_past_end"] = png_file(cabx=b"\x7f\xff\xff\xff" + store[4:])
    files["jumbf_box_length_too_small"] = png_file(cabx=b"\x00\x00\x00\x04" + store[4:])
    files["jumbf_truncated_half"] = png_file(cabx=store[:len(store) // 2])
    files["jumbf_label_unterminated"] = png_file(cabx=box(b"jumb", box(b"jumd", b"c2pa" + b"\x00" * 12 + b"\x03" + b"c2pa")))
    files["jumbf_no_description"] = png_file(cabx=box(b"jumb", box(b"cbor", b"\x00")))
    files["jumbf_many_boxes"] = png_file(cabx=superbox(b"c2pa", "c2pa", [box(b"free", b"")] * 30000))

    # PNG
    files["png_chunk_length_ffffffff"] = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 0xFFFFFFFF) + b"tEXtabc"
    files["png_chunk_length_past_end"] = png_file(extra_chunks=[png_chunk(b"tEXt", b"k\x00v", length=0x7FFFFF00)])
    files["png_ztxt_bomb"] = png_file(ztxt=b"parameters\x00\x00" + zlib.compress(b"\x00" * (24 << 20), 9))
    files["png_ztxt_corrupt_stream"] = png_file(ztxt=b"parameters\x00\x00\x78\x9c\xff\xff\xff\xff")
    files["png_ztxt_bad_method"] = png_file(ztxt=b"parameters\x00\x07abc")
    files["png_itxt_truncated"] = png_file(extra_chunks=[png_chunk(b"iTXt", b"prompt\x00\x01")])
    files["png_text_no_keyword_end"] = png_file(extra_chunks=[png_chunk(b"tEXt", b"k" * 200)])
    files["png_raw_profile_bad_hex"] = png_file(extra_chunks=[png_chunk(b"tEXt", b"Raw profile type exif\x00\nexif\n  99999999999\nzz45786966")])
    files["png_many_text_chunks"] = png_file(extra_chunks=[png_chunk(b"tEXt", b"k\x00v")] * 2000)
    files["png_exif_loop"] = png_file(extra_chunks=[png_chunk(b"eXIf", tiff_block(loop=True))])
    files["png_no_iend"] = png_file()[:-12]

    # WebP
    files["webp_riff_size_huge"] = webp_file(riff_size=0xFFFFFFF0)
    files["webp_chunk_past_end"] = webp_file(chunks=[riff_chunk(b"EXIF", b"MM", size=0x7FFFFFFF)])
    files["webp_odd_chunks"] = webp_file(chunks=[riff_chunk(b"XMP ", b"<x:a>" * 3)] * 50)
    files["webp_c2pa_garbage"] = webp_file(chunks=[riff_chunk(b"C2PA", bytes(rng.randrange(256) for _ in range(300)))])

    # ISO-BMFF
    bad_iloc = fullbox(b"iloc", 0, bytes([0x44, 0x00]) + struct.pack(">H", 1) + struct.pack(">HHHII", 1, 0, 1, 0x7FFFFFF0, 0x7FFFFFF0))
    files["heif_iloc_extent_past_end"] = heif_file(iloc_override=bad_iloc)
    files["heif_iloc_bad_sizes"] = heif_file(iloc_override=fullbox(b"iloc", 0, bytes([0x33, 0x00, 0xff, 0xff])))
    files["heif_iloc_many_items"] = heif_file(iloc_override=fullbox(b"iloc", 2, bytes([0x44, 0x00]) + struct.pack(">I", 0xFFFFFFFF)))
    files["heif_iinf_huge_count"] = heif_file(iinf_count=0xFFFF)
    files["heif_exif_offset_past_end"] = heif_file(exif_offset_field=0x7FFFFFFF)
    files["heif_box_size_one_huge"] = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x01meta" + struct.pack(">Q", 1 << 62)
    files["heif_box_size_small"] = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x04meta"
    c2pa_uuid = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")
    files["heif_c2pa_uuid_truncated"] = b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif" + isobox(b"uuid", c2pa_uuid + b"\x00\x00\x00\x00manifest\x00" + b"\x00" * 8 + store[:100])

    for name in sorted(files):
        with open(os.path.join(out_dir, name + ".bin"), "wb") as f:
            f.write(files[name])
    print("wrote %d files to %s" % (len(files), out_dir))


if __name__ == "__main__":
    main()
