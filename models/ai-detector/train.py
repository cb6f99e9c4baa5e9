"""Train Filigrane's pixel-level AI-image detector (fixed noise-residual statistics + logistic regression on 256x256 crops).

Run with Debian's torch: /usr/bin/python3 models/ai-detector/train.py [--only FOLD ...]
Steps (all deterministic, one CPU thread):
  1. normalise ai-train (canonical + 3 augmented variants) and ai-dev with the exact
     browser/CLI pipeline into $AIDET_WORK/norm (build_cache.py) if absent;
  2. grouped folds (split by prompt and by camera make, one generator held out):
       A / A2: train SDXL + reals, test FLUX (unseen prompts) + unseen reals
       B / B2: train FLUX + reals, test SDXL (unseen prompts) + unseen reals
     (A2/B2 swap the prompt and camera halves); checkpoints + test scores in /tmp/aidet/;
  3. calibration (Platt a, b) and thresholds from the out-of-fold scores -> calibration.json;
  4. final model on all of ai-train (never ai-dev) -> ai_detector.onnx (opset 13),
     golden_input.bin / golden_output.json.
"""
import argparse
import io
import json
import os
import pickle
import random
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import detector_common as dc  # noqa: E402

WORK = os.environ.get("AIDET_WORK", "/tmp/aidet3")
SEED = 20240605
FOLDS = ("A", "B", "A2", "B2")

torch.set_num_threads(1)


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _fixed(weights):
    return torch.tensor(weights, dtype=torch.float32)


# Residual filters applied to luma at three scales (kernel 3x3, valid padding).
RESIDUAL_FILTERS = [
    [[0, 0, 0], [0, 1, -1], [0, 0, 0]],          # horizontal first difference
    [[0, 0, 0], [0, 1, 0], [0, -1, 0]],          # vertical first difference
    [[0, -1, 0], [-1, 4, -1], [0, -1, 0]],       # Laplacian
    [[-1, 2, -1], [2, -4, 2], [-1, 2, -1]],      # 2-D second-order (checkerboard-sensitive)
]
# 5x5 "KV" residual predictor used in steganalysis (values / 12).
KV = [[-1, 2, -2, 2, -1], [2, -6, 8, -6, 2], [-2, 8, -12, 8, -2], [2, -6, 8, -6, 2], [-1, 2, -2, 2, -1]]


class FeatureNet(nn.Module):
    """Fixed noise-residual statistics of one crop (no learned weights).

    Input [N,3,256,256] float32 RGB in [0,1]. Per residual map r it returns
    log(mean|r| + 0.1), log(mean r^2 + 0.1) and mean(exp(-|r|)) (share of
    near-zero residual, i.e. how clean flat areas are); 45 features. Then 4
    colour statistics: log(std + 1) and log(mean|c| + 1) of Cb and Cr; 49 in all."""

    def __init__(self):
        super().__init__()
        ycc = [[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]]
        self.register_buffer("ycc", _fixed(ycc).mul(255.0).view(3, 3, 1, 1))
        self.register_buffer("bank", _fixed(RESIDUAL_FILTERS).view(4, 1, 3, 3))
        self.register_buffer("lap", _fixed(RESIDUAL_FILTERS[2]).view(1, 1, 3, 3).repeat(2, 1, 1, 1))
        self.register_buffer("kv", (_fixed(KV) / 12.0).view(1, 1, 5, 5))
        self.register_buffer("pool2", torch.full((1, 1, 2, 2), 0.25))

    @staticmethod
    def stats(r):
        a = r.abs()
        return [torch.log(a.mean(dim=(2, 3)) + 0.1), torch.log((r * r).mean(dim=(2, 3)) + 0.1),
                torch.exp(-a).mean(dim=(2, 3))]

    def forward(self, x):
        ycc = nn.functional.conv2d(x, self.ycc)
        y = ycc[:, 0:1]
        feats = []
        for level in range(3):
            if level:
                y = nn.functional.conv2d(y, self.pool2, stride=2)
            feats += self.stats(nn.functional.conv2d(y, self.bank))
        feats += self.stats(nn.functional.conv2d(ycc[:, 1:3], self.lap, groups=2))
        feats += self.stats(nn.functional.conv2d(ycc[:, 0:1], self.kv))
        c = ycc[:, 1:3]
        cm = c.mean(dim=(2, 3), keepdim=True)
        feats.append(torch.log(((c - cm) * (c - cm)).mean(dim=(2, 3)).sqrt() + 1.0))
        feats.append(torch.log(c.abs().mean(dim=(2, 3)) + 1.0))
        return torch.cat(feats, dim=1)


NUM_FEATURES = 49
# Features the logistic layer may use (others get weight 0): "residual" = the 45
# noise-residual statistics, "all" adds the 4 colour statistics.
FEATURE_SET = os.environ.get("AIDET_FEATURES", "all")


def feature_mask():
    m = torch.ones(NUM_FEATURES, dtype=torch.float64)
    if FEATURE_SET == "residual":
        m[45:] = 0
    return m


class Detector(nn.Module):
    """Input [N,3,256,256] float32 RGB in [0,1]; output [N,1] logit (AI if > 0):
    fixed residual statistics, standardised, then a logistic-regression layer."""

    def __init__(self):
        super().__init__()
        self.features = FeatureNet()
        self.register_buffer("mean", torch.zeros(NUM_FEATURES))
        self.register_buffer("inv_std", torch.ones(NUM_FEATURES))
        self.head = nn.Linear(NUM_FEATURES, 1)

    def forward(self, x):
        return self.head((self.features(x) - self.mean) * self.inv_std)


def load_cache():
    """{"train": {rel: [path of canonical, variant 1..3]}, "dev": {rel: [path]}};
    builds the normalised files first when any is missing."""
    import build_cache as bc
    cache = {"train": {}, "dev": {}}
    for i, (rel, _, _) in enumerate(dc.list_train()):
        cache["train"][rel] = [bc.norm_path("train", i, v) for v in range(bc.NUM_VARIANTS + 1)]
    for i, (rel, _, _) in enumerate(dc.list_dev()):
        cache["dev"][rel] = [bc.norm_path("dev", i, 0)]
    if not all(os.path.exists(p) for split in cache.values() for ps in split.values() for p in ps):
        subprocess.check_call(["/usr/bin/python3", os.path.join(HERE, "build_cache.py")],
                              env=dict(os.environ, AIDET_WORK=WORK))
    return cache


def decode(path):
    import build_cache as bc
    return bc.read_rgb(path)


def make_folds():
    """Deterministic grouped splits. Returns {fold: (train_rels, test_rels)}."""
    items = dc.list_train()
    rng = random.Random(SEED)
    shared = sorted({dc.prompt_key(r) for r, _, g in items if g == "flux"})
    by_cat = {}
    for p in shared:
        by_cat.setdefault(p.split("__")[0], []).append(p)
    half1 = set()
    for cat in sorted(by_cat):
        ps = sorted(by_cat[cat])
        rng.shuffle(ps)
        half1.update(ps[: len(ps) // 2])
    groups = sorted({dc.real_group(r) for r, _, g in items if g == "real"})
    rng.shuffle(groups)
    counts = {}
    for r, _, g in items:
        if g == "real":
            counts[dc.real_group(r)] = counts.get(dc.real_group(r), 0) + 1
    r1, n1, n2 = set(), 0, 0
    for grp in sorted(groups, key=lambda x: -counts[x]):  # greedy balance, big makes first
        if n1 <= n2:
            r1.add(grp)
            n1 += counts[grp]
        else:
            n2 += counts[grp]

    def sel(gen, prompt_half, real_half):
        out = []
        for r, _, g in items:
            if g == "real":
                if (dc.real_group(r) in r1) == real_half:
                    out.append(r)
            elif g == gen:
                p = dc.prompt_key(r)
                in_shared = p in shared
                if prompt_half is None or (in_shared and ((p in half1) == prompt_half)) or \
                        (not in_shared and prompt_half == "sdxl-only"):
                    out.append(r)
        return out

    def sdxl(half):  # SDXL on one prompt half plus, on the training side, its own prompts
        return [r for r in sel("sdxl", None, True) if r.startswith("ai/") and
                (dc.prompt_key(r) not in shared or ((dc.prompt_key(r) in half1) == half))]

    def sdxl_test(half):
        return sdxl(half)

    folds = {}
    for name, ph, rh in (("A", True, True), ("A2", False, False)):
        train = sdxl(ph) + [r for r in sel("flux", ph, rh) if r.startswith("real/")]
        test = [r for r in sel("flux", not ph, not rh)]
        folds[name] = (train, test)
    for name, ph, rh in (("B", True, True), ("B2", False, False)):
        train = sel("flux", ph, rh)
        test = sdxl_test(not ph) + [r for r in sel("flux", not ph, not rh) if r.startswith("real/")]
        folds[name] = (train, test)
    # sanity: no prompt and no camera group on both sides
    for name, (train, test) in folds.items():
        tp = {dc.prompt_key(r) for r in train if r.startswith("ai/")}
        sp = {dc.prompt_key(r) for r in test if r.startswith("ai/")}
        tg = {dc.real_group(r) for r in train if r.startswith("real/")}
        sg = {dc.real_group(r) for r in test if r.startswith("real/")}
        assert not (tp & sp), name
        assert not (tg & sg), name
    return folds


def label_of(rel):
    return 1 if rel.startswith("ai/") else 0


FEATURE_NET = FeatureNet()


@torch.no_grad()
def crop_features(arr, positions):
    xs = np.stack([dc.crop_tensor(arr, x, y) for x, y in positions])
    return FEATURE_NET(torch.from_numpy(xs)).double()


_FEATURE_CACHE = {}
FEATURE_FILE = os.path.join(WORK, "features.pt")  # speed-up only; delete to recompute


def load_feature_cache():
    if not _FEATURE_CACHE and os.path.exists(FEATURE_FILE):
        _FEATURE_CACHE.update(torch.load(FEATURE_FILE))


def save_feature_cache():
    torch.save(dict(_FEATURE_CACHE), FEATURE_FILE)


# Normalised versions used per training image: 0 = canonical, 1..3 = augmented
# variants (build_cache.py, AIDET_VARIANTS); the shipped model uses all 4.
VERSIONS = int(os.environ.get("AIDET_VERSIONS", "4"))


def version_features(cache, rel, v):
    """[NUM_CROPS, NUM_FEATURES] features of the selected crops of version v."""
    load_feature_cache()
    key = (rel, v)
    if key not in _FEATURE_CACHE:
        arr = decode(cache["train"][rel][v])
        _FEATURE_CACHE[key] = crop_features(arr, dc.select_crops(arr))
    return _FEATURE_CACHE[key]


def train_features(cache, rel):
    """Features of every selected crop of the first VERSIONS normalised versions."""
    return torch.cat([version_features(cache, rel, v) for v in range(VERSIONS)])


L2 = float(os.environ.get("AIDET_L2", "0.01"))


def train_model(cache, train_rels, log_name):
    """Class-balanced, L2-regularised logistic regression on per-crop features."""
    seed_all(SEED)
    t0 = time.time()
    xs, ys, ws = [], [], []
    n_ai = sum(label_of(r) for r in train_rels)
    n_real = len(train_rels) - n_ai
    for rel in sorted(train_rels):
        f = train_features(cache, rel)
        xs.append(f)
        ys += [label_of(rel)] * len(f)
        ws += [(0.5 / n_ai if label_of(rel) else 0.5 / n_real) / len(f)] * len(f)
    x = torch.cat(xs)
    y = torch.tensor(ys, dtype=torch.float64)
    w = torch.tensor(ws, dtype=torch.float64)
    mean = x.mean(0)
    std = x.std(0).clamp_min(1e-6)
    z = (x - mean) / std * feature_mask()
    wb = torch.zeros(NUM_FEATURES + 1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([wb], max_iter=500, tolerance_grad=1e-10, tolerance_change=1e-12,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        logit = z @ wb[:-1] + wb[-1]
        loss = (w * nn.functional.binary_cross_entropy_with_logits(logit, y, reduction="none")).sum()
        loss = loss + 0.5 * L2 * (wb[:-1] ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    model = Detector()
    with torch.no_grad():
        model.mean.copy_(mean.float())
        model.inv_std.copy_((1.0 / std).float())
        model.head.weight.copy_((wb[:-1] * feature_mask()).float().view(1, -1))
        model.head.bias.copy_(wb[-1:].float())
    print(f"[{log_name}] trained on {len(train_rels)} images / {len(y)} crops, loss {float(closure()):.4f} "
          f"({time.time() - t0:.0f}s)", flush=True)
    model.eval()
    return model


@torch.no_grad()
def score_arrays(model, arrays):
    """Mean over the NUM_CROPS selected crops of the per-crop logit."""
    model.eval()
    out = []
    for arr in arrays:
        xs = np.stack([dc.crop_tensor(arr, x, y) for x, y in dc.select_crops(arr)])
        out.append(float(model(torch.from_numpy(xs)).mean()))
    return out


def canonical_features(cache, split, rel):
    """Per-crop features of the canonical (un-augmented) normalised image."""
    if split == "train":
        return version_features(cache, rel, 0)
    load_feature_cache()
    key = "dev:" + rel
    if key not in _FEATURE_CACHE:
        arr = decode(cache["dev"][rel][0])
        _FEATURE_CACHE[key] = crop_features(arr, dc.select_crops(arr))
    return _FEATURE_CACHE[key]


@torch.no_grad()
def score_rels(model, cache, split, rels):
    """Same as score_arrays (mean crop logit) but from the cached crop features."""
    out = []
    for r in rels:
        z = (canonical_features(cache, split, r).float() - model.mean) * model.inv_std
        out.append(float(model.head(z).mean()))
    return out


def run_fold(cache, name, folds):
    train, test = folds[name]
    model = train_model(cache, train, name)
    torch.save(model.state_dict(), os.path.join(WORK, f"fold_{name}.pt"))
    scores = score_rels(model, cache, "train", test)
    dev_rels = sorted(cache["dev"])
    dev_scores = score_rels(model, cache, "dev", dev_rels)
    res = {"fold": name, "train": train, "test": test, "scores": scores,
           "dev": dev_rels, "dev_scores": dev_scores}
    with open(os.path.join(WORK, f"scores_{name}.json"), "w") as f:
        json.dump(res, f)
    return res


def auc(scores, labels):
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels)
    pos, neg = s[y == 1], s[y == 0]
    gt = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(gt / (len(pos) * len(neg)))


def fit_platt(scores, labels, iters=2000):
    """Logistic fit p = sigmoid(a*s + b), classes weighted equally (prior 0.5)."""
    s = torch.tensor(scores, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.float64)
    w = torch.where(y > 0.5, 0.5 / y.sum(), 0.5 / (1 - y).sum())
    ab = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([ab], max_iter=iters)

    def closure():
        opt.zero_grad()
        z = ab[0] * s + ab[1]
        loss = (w * nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return float(ab[0]), float(ab[1])


def calibrate(results):
    """Platt scaling and thresholds from the out-of-fold test scores of all folds."""
    s, y = [], []
    for res in results:
        s += res["scores"]
        y += [label_of(r) for r in res["test"]]
    a, b = fit_platt(s, y)
    p = 1 / (1 + np.exp(-(a * np.asarray(s) + b)))
    y = np.asarray(y)
    real_p, ai_p = np.sort(p[y == 0]), np.sort(p[y == 1])
    # likely-ai: above ~97.5% of held-out reals (target < 5% false positives), at least 0.5
    t_ai = float(max(0.5, np.quantile(real_p, 0.975)))
    # likely-real: below ~10% of held-out AI images, at most 0.5 and below t_ai
    t_real = float(min(0.5, np.quantile(ai_p, 0.10), t_ai))
    return {"platt_a": a, "platt_b": b, "likely_ai_min_probability": round(t_ai, 4),
            "likely_real_max_probability": round(t_real, 4),
            "input_name": "crop", "output_name": "logit", "num_crops": dc.NUM_CROPS, "pooling": "mean of crop logits",
            "source": "out-of-fold scores of folds " + ",".join(r["fold"] for r in results)}


def export(model, path_onnx):
    model.eval()
    dummy = torch.zeros(1, 3, dc.CROP, dc.CROP)
    torch.onnx.export(model, dummy, path_onnx, opset_version=13, input_names=["crop"],
                      output_names=["logit"], do_constant_folding=True)


def write_golden(model, cache):
    """One real crop of an ai-dev image (not trained on) through the model."""
    rel = sorted(cache["dev"])[0]
    arr = decode(cache["dev"][rel][0])
    x, y = dc.select_crops(arr)[0]
    t = dc.crop_tensor(arr, x, y)[None]
    t.astype("<f4").tofile(os.path.join(HERE, "golden_input.bin"))
    with torch.no_grad():
        logit = float(model(torch.from_numpy(t))[0, 0])
    sys.path.insert(0, HERE)
    import onnx_numpy  # pure-numpy reference run of the exported graph
    np_logit = float(onnx_numpy.run(os.path.join(HERE, "ai_detector.onnx"), t)[0, 0])
    assert abs(np_logit - logit) < 1e-4, (np_logit, logit)
    with open(os.path.join(HERE, "golden_output.json"), "w") as f:
        json.dump({"input": "golden_input.bin", "input_name": "crop", "input_shape": [1, 3, dc.CROP, dc.CROP],
                   "input_dtype": "float32 little-endian, NCHW, RGB, pixel/255",
                   "source": f"ai-dev/{rel}, normalised, crop at x={x} y={y}",
                   "output_name": "logit", "output_shape": [1, 1], "logit": [np_logit],
                   "torch_logit": logit, "tolerance": 5e-4,
                   "tolerance_note": "float32 runtimes (ONNX Runtime Web wasm) accumulate the whole-crop "
                                     "statistics differently from this float64 reference: a few 1e-4; "
                                     "5e-4 still catches any preprocessing or weight change."}, f, indent=2)
        f.write("\n")


def write_model_json():
    import hashlib
    path = os.path.join(HERE, "ai_detector.onnx")
    data = open(path, "rb").read()
    with open(os.path.join(HERE, "model.json"), "w") as f:
        json.dump({"source": "models/ai-detector/ai_detector.onnx", "sha256": hashlib.sha256(data).hexdigest(),
                   "bytes": len(data), "licence": "Apache-2.0 (trained by Filigrane, see CARD.md)"}, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", help="folds to run (A B A2 B2 final); default all")
    ap.add_argument("--features-only", action="store_true",
                    help="compute the per-crop feature cache (waits for normalised files) and stop")
    args = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    todo = args.only or list(FOLDS) + ["final"]
    if args.features_only:
        import build_cache as bc
        items = dc.list_train()
        for v in range(VERSIONS):  # canonical versions of all images first
            for i, (rel, _, _) in enumerate(items):
                path = bc.norm_path("train", i, v)
                while not os.path.exists(path):
                    time.sleep(5)
                time.sleep(0.2)  # let the writer finish the file
                version_features({"train": {rel: [bc.norm_path("train", i, u) for u in range(v + 1)]}}, rel, v)
                if i % 50 == 49:
                    save_feature_cache()
                    print("features version", v, "image", i + 1, flush=True)
            save_feature_cache()
        return
    cache = load_cache()
    folds = make_folds()
    for name in FOLDS:
        tr, te = folds[name]
        print(f"fold {name}: train {len(tr)} ({sum(map(label_of, tr))} AI), test {len(te)} ({sum(map(label_of, te))} AI)")
    for name in FOLDS:
        if name in todo:
            res = run_fold(cache, name, folds)
            y = [label_of(r) for r in res["test"]]
            print(f"fold {name}: held-out AUC {auc(res['scores'], y):.3f}")
    save_feature_cache()
    if "final" in todo:
        results = []
        for name in FOLDS:
            with open(os.path.join(WORK, f"scores_{name}.json")) as f:
                results.append(json.load(f))
        cal = calibrate(results)
        all_rels = [r for r, _, _ in dc.list_train()]
        model = train_model(cache, all_rels, "final")
        torch.save(model.state_dict(), os.path.join(WORK, "final.pt"))
        export(model, os.path.join(HERE, "ai_detector.onnx"))
        with open(os.path.join(HERE, "calibration.json"), "w") as f:
            json.dump(cal, f, indent=2)
            f.write("\n")
        write_golden(model, cache)
        write_model_json()
        print("calibration", cal)


if __name__ == "__main__":
    main()
