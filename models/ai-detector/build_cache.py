"""Normalise ai-train and ai-dev once (canonical + augmented variants) with the
exact browser/CLI pipeline (the core calls web/lib/ai-detector.mjs makes,
compiled natively from normalise_native.cpp because the wasm build is far
slower here; eval.py checks both agree) into raw RGB files under
$AIDET_WORK/norm; both classes get identical treatment.

Augmented variants (training only) imitate other histories of the same photo
before normalisation: a Lanczos-3 rescale by a random factor in [0.5, 1.0]
(never below short side 384), then with probability 0.7 a JPEG round trip at quality 70-95
(else PNG). Then the standard normalisation.
History equalisation (AIDET_EQUALISE=1, the default): ai-train's AI images
arrive as lossy WebP, its real photos as JPEG q92, and residual statistics pick
that up (a format leak, not an AI trace). So every training image first gets
the other class's history as well: real photos a lossy WebP round trip
(quality 80-95, like the AI files), AI images a JPEG q92 round trip (like the
real files). The result is stored as lossless PNG (EXIF orientation applied)
and fed to the normalisation. With AIDET_EQUALISE=0, sources go in as they are
(WebP converted losslessly to PNG, since the core cannot decode WebP).
"""
import io
import os
import random
import subprocess
import sys

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import detector_common as dc  # noqa: E402

WORK = os.environ.get("AIDET_WORK", "/tmp/aidet3")
NUM_VARIANTS = int(os.environ.get("AIDET_VARIANTS", "3"))
EQUALISE = os.environ.get("AIDET_EQUALISE", "1") == "1"
SEED = 1234


TOOL = os.path.join(WORK, "normalise_native")
CORE_SOURCES = ["core/codec.cpp", "core/jpeg_markers.cpp", "core/jpeg_scaled.cpp", "core/resize.cpp", "core/image.cpp", "core/status.cpp",
                "core/third_party/stb_impl.cpp"]


def norm_path(split, index, variant):
    return os.path.join(WORK, "norm", split, f"{index:04d}_{variant}.rgb")


def build_tool():
    if os.path.exists(TOOL):
        return
    root = os.path.dirname(os.path.dirname(HERE))
    subprocess.check_call(["g++", "-std=c++20", "-O2", "-I" + root, "-isystem", "/usr/include/stb",
                           os.path.join(HERE, "normalise_native.cpp")] +
                          [os.path.join(root, c) for c in CORE_SOURCES] + ["-o", TOOL])


def run_jobs(jobs):
    """jobs: [(src, out, [(w, h, quality or 0), ...])]; skips outputs that exist."""
    build_tool()
    todo = [j for j in jobs if not os.path.exists(j[1])]
    lines = ["\t".join([src, out] + [f"{w},{h},{q}" for w, h, q in steps]) for src, out, steps in todo]
    subprocess.run([TOOL], input=("\n".join(lines) + "\n").encode(), check=True)


def read_rgb(path):
    """uint8 HxWx3 array from a normalise_native output file."""
    raw = np.fromfile(path, dtype=np.uint8)
    w, h = (int(v) for v in raw[:8].view("<u4"))
    return raw[8:].reshape(h, w, 3)


def main():
    rng = random.Random(SEED)
    eq_rng = random.Random(SEED + 1)
    os.makedirs(os.path.join(WORK, "norm", "train"), exist_ok=True)
    os.makedirs(os.path.join(WORK, "norm", "dev"), exist_ok=True)
    os.makedirs(os.path.join(WORK, "src"), exist_ok=True)
    jobs = []
    for i, (rel, label, gen) in enumerate(dc.list_train()):
        src = os.path.join(dc.TRAIN_DIR, rel)
        img = Image.open(src)
        w, h = img.size
        if img.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # the core applies EXIF rotation first
            w, h = h, w
        if EQUALISE:
            fmt, q = ("WEBP", eq_rng.randint(80, 95)) if label == 0 else ("JPEG", 92)
            png = os.path.join(WORK, "src", f"{i:04d}.png")
            if not os.path.exists(png):
                rgb = ImageOps.exif_transpose(img).convert("RGB")
                buf = io.BytesIO()
                rgb.save(buf, format=fmt, quality=q)
                Image.open(io.BytesIO(buf.getvalue())).convert("RGB").save(png, compress_level=1)
            src = png
        elif rel.endswith(".webp"):
            png = os.path.join(WORK, "src", f"{i:04d}.png")
            if not os.path.exists(png):
                img.convert("RGB").save(png, compress_level=1)
            src = png
        jobs.append((src, norm_path("train", i, 0), []))
        for v in range(1, NUM_VARIANTS + 1):
            f = rng.uniform(max(0.5, 384 / min(w, h)), 1.0)
            q = rng.randint(70, 95) if rng.random() < 0.7 else 0
            jobs.append((src, norm_path("train", i, v), [(max(1, round(w * f)), max(1, round(h * f)), q)]))
    for i, (rel, label, gen) in enumerate(dc.list_dev()):
        jobs.append((os.path.join(dc.DEV_DIR, rel), norm_path("dev", i, 0), []))
    run_jobs(jobs)


if __name__ == "__main__":
    main()
