"""Normalise ai-train and ai-dev once (canonical + augmented variants) into a
pickle cache under /tmp; both classes get identical treatment.

Augmented variants (training only) imitate other histories of the same photo
before normalisation: an intermediate rescale to a random short side between
512 and the original short side, and with probability 0.5 a JPEG round trip at
quality 70-95 at that intermediate size. Then the standard normalisation.
"""
import io
import os
import pickle
import random
import sys

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import detector_common as dc  # noqa: E402

CACHE = os.environ.get("AIDET_CACHE", "/tmp/aidet/cache.pkl")
NUM_VARIANTS = int(os.environ.get("AIDET_VARIANTS", "3"))


def encode(arr):
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def variant(img, rng):
    img = img.convert("RGB")
    w, h = img.size
    s = min(w, h)
    target = rng.randint(dc.SHORT_SIDE, max(dc.SHORT_SIDE, s))
    if target != s:
        f = target / s
        img = img.resize((max(1, round(w * f)), max(1, round(h * f))), Image.LANCZOS)
    if rng.random() < 0.5:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=rng.randint(70, 95))
        img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return dc.normalise(img)


def main():
    rng = random.Random(1234)
    cache = {"train": {}, "dev": {}}
    for rel, label, gen in dc.list_train():
        img = Image.open(os.path.join(dc.TRAIN_DIR, rel))
        img.load()
        vs = [encode(dc.normalise(img))]
        for _ in range(NUM_VARIANTS):
            vs.append(encode(variant(img, rng)))
        cache["train"][rel] = vs
    for rel, label, gen in dc.list_dev():
        img = Image.open(os.path.join(dc.DEV_DIR, rel))
        img.load()
        cache["dev"][rel] = [encode(dc.normalise(img))]
    os.makedirs(os.path.dirname(CACHE), exist_ok=True)
    with open(CACHE, "wb") as f:
        pickle.dump(cache, f)
    print("cached", len(cache["train"]), "train and", len(cache["dev"]), "dev images to", CACHE)


if __name__ == "__main__":
    main()
