"""Shared preprocessing for Filigrane's pixel-level AI-image detector.

Input contract (see CARD.md): both classes go through exactly the same
decode -> resize -> JPEG-90 -> decode normalisation, done with the core's own
codecs (normalise_native.cpp for training, web/lib/ai-detector.mjs in the
browser; identical pixels), then the deterministic choice of textured 256x256
crops below, which web/lib/ai-detector.mjs mirrors.
normalise() here is only a PIL approximation of that normalisation for quick
experiments; it is not what the model was trained or is run on.
"""
import csv
import io
import os

import numpy as np
from PIL import Image

SHORT_SIDE = 512          # normalised short side in pixels
JPEG_QUALITY = 90         # normalisation JPEG quality, 4:2:0 chroma
CROP = 256                # model input is [1, 3, CROP, CROP]
CROP_STRIDE = 128         # candidate crop grid step
NUM_CROPS = 4             # crops scored per image; their logits are averaged
FLAT_DIFF = 2             # |luma step| <= this to a right/lower neighbour => flat pixel

SHARED = os.environ.get("FILIGRANE_SHARED_DIR", "/work/shared")
TRAIN_DIR = os.path.join(SHARED, "data", "ai-train")
DEV_DIR = os.path.join(SHARED, "data", "ai-dev")


def normalise(img, short_side=SHORT_SIDE, quality=JPEG_QUALITY):
    """PIL image -> uint8 HxWx3 array: RGB, short side resized to `short_side`
    with antialiased Lanczos-3 (long side rounded), JPEG at `quality` (4:2:0), decoded."""
    img = img.convert("RGB")
    w, h = img.size
    if w <= h:
        nw, nh = short_side, max(1, int(round(h * short_side / w)))
    else:
        nw, nh = max(1, int(round(w * short_side / h))), short_side
    if (nw, nh) != (w, h):
        img = img.resize((nw, nh), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality, subsampling=2)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def jpeg_bytes_to_array(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def luma_u8(rgb):
    """Integer luma (77R + 150G + 29B + 128) >> 8, exactly reproducible in JS/C++."""
    r = rgb[..., 0].astype(np.int32)
    g = rgb[..., 1].astype(np.int32)
    b = rgb[..., 2].astype(np.int32)
    return (77 * r + 150 * g + 29 * b + 128) >> 8


def candidate_offsets(length, crop=CROP, stride=CROP_STRIDE):
    """Offsets 0, stride, 2*stride, ... <= length-crop, plus length-crop itself."""
    if length < crop:
        return [0]
    offs = list(range(0, length - crop + 1, stride))
    if offs[-1] != length - crop:
        offs.append(length - crop)
    return offs


def flat_map(rgb):
    """1 where a pixel differs by <= FLAT_DIFF from both its right and lower
    neighbour in integer luma (last column/row compare with nothing: counted flat)."""
    y = luma_u8(rgb)
    flat = np.ones(y.shape, dtype=np.int32)
    dx = np.abs(y[:, 1:] - y[:, :-1]) > FLAT_DIFF
    dy = np.abs(y[1:, :] - y[:-1, :]) > FLAT_DIFF
    flat[:, :-1][dx] = 0
    flat[:-1, :][dy] = 0
    return flat


def select_crops(rgb, k=NUM_CROPS):
    """Top-left (x, y) of the k candidate windows with the fewest flat pixels;
    ties broken by raster order of candidates (y, then x). Deterministic."""
    h, w = rgb.shape[:2]
    flat = flat_map(rgb)
    integral = np.zeros((h + 1, w + 1), dtype=np.int64)
    integral[1:, 1:] = flat.cumsum(0).cumsum(1)
    cands = []
    for y in candidate_offsets(h):
        for x in candidate_offsets(w):
            y1, x1 = min(y + CROP, h), min(x + CROP, w)
            count = integral[y1, x1] - integral[y, x1] - integral[y1, x] + integral[y, x]
            cands.append((int(count), len(cands), x, y))
    cands.sort()
    return [(x, y) for _, _, x, y in cands[:k]]


def crop_tensor(rgb, x, y):
    """One crop as float32 [3, CROP, CROP], channel order RGB, values pixel/255.
    (Images smaller than CROP are edge-padded; cannot happen after normalise.)"""
    patch = rgb[y:y + CROP, x:x + CROP]
    if patch.shape[0] < CROP or patch.shape[1] < CROP:
        patch = np.pad(patch, ((0, CROP - patch.shape[0]), (0, CROP - patch.shape[1]), (0, 0)), mode="edge")
    return np.ascontiguousarray(patch.transpose(2, 0, 1), dtype=np.float32) / 255.0


def load_manifest():
    rows = {}
    with open(os.path.join(TRAIN_DIR, "manifest.tsv"), newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            rows[row["file"]] = row
    return rows


def prompt_key(rel):
    """Prompt shared by SDXL and FLUX files: category + prompt, without generator tag."""
    name = os.path.basename(rel)
    name = name.replace("-flux1dev__", "__")
    if name.endswith(".1.webp"):
        name = name[: -len(".1.webp")]
    return name


def real_group(rel):
    """Group reals by camera make (first word of the file name) so a camera never
    sits on both sides of a split."""
    return os.path.basename(rel).split(" ")[0].split("(")[0].split(".")[0].lower()


def list_train():
    """[(relpath, label, generator)] for ai-train; label 1 = AI."""
    items = []
    for gen in ("sdxl", "flux"):
        d = os.path.join(TRAIN_DIR, "ai", gen)
        for f in sorted(os.listdir(d)):
            items.append((f"ai/{gen}/{f}", 1, gen))
    d = os.path.join(TRAIN_DIR, "real")
    for f in sorted(os.listdir(d)):
        items.append((f"real/{f}", 0, "real"))
    return items


def list_dev():
    items = []
    for cls, label in (("ai", 1), ("real", 0)):
        d = os.path.join(DEV_DIR, cls)
        for f in sorted(os.listdir(d)):
            items.append((f"{cls}/{f}", label, "dev-" + cls))
    return items
