"""Parity fixtures for the Java side: generated images (never dataset images) + expected outputs of every
graph (computed with torch from the modules the ONNX files were exported from), the ensemble and the gate.
Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 make_fixtures.py   (after build_release.py)
"""
import os, shutil
import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter
from common import MODELS, FINDINGS, load_json, save_json, log, setup_torch
from members import MEMBERS
import pipeline, train_vae
from preprocess import decode_grey8, decode_rgb8, saturation, preprocess, grey_std, edge_mean, flat_fraction

FIX = os.path.join(MODELS, "fixtures")


def phantom_chest(w=300, h=260, seed=5):
    """A synthetic chest-like phantom: body, two dark lung fields, mediastinum/heart, spine, ribs, noise."""
    rng = np.random.default_rng(seed)
    im = Image.new("L", (w, h), 8)
    d = ImageDraw.Draw(im)
    d.ellipse([int(0.06 * w), int(0.02 * h), int(0.94 * w), int(1.25 * h)], fill=150)
    d.ellipse([int(0.14 * w), int(0.12 * h), int(0.47 * w), int(0.90 * h)], fill=55)
    d.ellipse([int(0.53 * w), int(0.12 * h), int(0.86 * w), int(0.90 * h)], fill=60)
    d.ellipse([int(0.40 * w), int(0.45 * h), int(0.70 * w), int(0.88 * h)], fill=175)
    d.rectangle([int(0.46 * w), 0, int(0.54 * w), h], fill=190)
    for i in range(7):
        y = int((0.16 + 0.10 * i) * h)
        d.arc([int(0.12 * w), y - 20, int(0.50 * w), y + 30], 190, 350, fill=120, width=4)
        d.arc([int(0.50 * w), y - 20, int(0.88 * w), y + 30], 190, 350, fill=120, width=4)
    im = im.filter(ImageFilter.GaussianBlur(2.5))
    a = np.asarray(im, np.float32) + rng.normal(0, 4, (h, w))
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def colour_pattern(w=160, h=120):
    yy, xx = np.mgrid[0:h, 0:w]
    r = (xx * 255 // (w - 1)).astype(np.uint8)
    g = (yy * 255 // (h - 1)).astype(np.uint8)
    b = (((xx // 20) + (yy // 20)) % 2 * 200 + 30).astype(np.uint8)
    return Image.fromarray(np.stack([r, g, b], -1), "RGB")


def gradient_noise(n=1024, seed=7):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    blocks = rng.normal(0, 12, (n // 8, n // 8)).repeat(8, 0).repeat(8, 1)      # 8x8-block noise: small PNG
    a = 40 + 170 * (0.6 * xx / n + 0.4 * yy / n) + blocks
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def small_rgba(w=64, h=48):
    yy, xx = np.mgrid[0:h, 0:w]
    a = np.zeros((h, w, 4), np.uint8)
    a[..., 0] = (xx * 4) % 256; a[..., 1] = (yy * 5) % 256; a[..., 2] = 128; a[..., 3] = ((xx + yy) * 3) % 256
    return Image.fromarray(a, "RGBA")


IMAGES = [("phantom_chest.png", phantom_chest), ("colour_pattern.png", colour_pattern),
          ("gradient_noise_1024.png", gradient_noise), ("small_rgba.png", small_rgba)]


def put(name, arr):
    arr = np.ascontiguousarray(arr, dtype="<f4")
    arr.tofile(os.path.join(FIX, name))
    return {"file": name, "shape": list(arr.shape)}


def main():
    setup_torch()
    man = load_json(os.path.join(MODELS, "manifest.json"))
    if os.path.isdir(FIX):
        shutil.rmtree(FIX)
    os.makedirs(FIX)
    members = {m["name"]: pipeline.load_export_member(m["name"]) for m in man["members"]}
    vae = pipeline.load_vae()
    weights = {m["name"]: m["weights"] for m in man["members"]}
    mf = {m["name"]: m["findings"] for m in man["members"]}
    out = {"tolerance": 1e-4, "toleranceRule": "per output (tensor or scalar): max |actual - expected| <= tolerance * max(1, max |expected| over that output)",
           "notes": "Expected values computed with torch (eval mode) from the modules the ONNX graphs were exported from. "
                    "*.f32 files: raw little-endian float32, C order, shape given. greySum = sum of the decoded 8-bit grey "
                    "pixels. Ensemble probabilities: weighted mean over members (manifest weights); decision positive when "
                    "probability >= threshold. Gate: rules in manifest order, first firing rule gives the reason, then the "
                    "uncertainty rule. percentileRank: against anomaly.reference with linear interpolation.",
           "images": []}
    for fname, fn in IMAGES:
        im = fn()
        im.save(os.path.join(FIX, fname))
        im = Image.open(os.path.join(FIX, fname)); im.load()
        stem = fname.rsplit(".", 1)[0]
        grey = decode_grey8(im); rgb = decode_rgb8(im)
        rec = {"file": fname, "width": im.size[0], "height": im.size[1], "mode": im.mode,
               "greySum": int(grey.astype(np.int64).sum()), "members": {}}
        feats = {"input.saturation": saturation(rgb)}
        probs, cams = {}, {}
        for m in man["members"]:
            n = m["name"]
            x = preprocess(grey, m["input"])[None]
            o = pipeline.run_member(members[n], x)
            p, cam, emb = o["probabilities"], o["cam"], o["embedding"]
            probs[n], cams[n] = p, cam
            scal = {sc: float(o[out][0]) for sc, out in m["outputs"]["scalars"].items()}
            for sc, v in scal.items():
                feats[f"member.{n}.{sc}"] = v
            rec["members"][n] = {"input": put(f"{stem}.{MEMBERS[n]['file']}.input.f32", x),
                                 "probabilities": [float(v) for v in p[0]],
                                 "cam": put(f"{stem}.{MEMBERS[n]['file']}.cam.f32", cam),
                                 "embedding": put(f"{stem}.{MEMBERS[n]['file']}.embedding.f32", emb),
                                 "scalars": scal}
        a = man["anomaly"]
        xv = preprocess(grey, a["input"])[None]
        with torch.no_grad():
            r, mu, lv = [v.numpy() for v in vae(torch.from_numpy(xv))]
        sc = pipeline.vae_scores_np(xv, r, mu, lv, a["negElboMseWeight"])
        rec["vae"] = {"input": put(f"{stem}.vae.input.f32", xv), "reconstruction": put(f"{stem}.vae.reconstruction.f32", r),
                      "mu": [float(v) for v in mu[0]], "logvar": [float(v) for v in lv[0]],
                      **{k: float(v[0]) for k, v in sc.items()},
                      "percentileRank": {k: pipeline.percentile_rank(float(sc[k][0]), a["reference"][k]) for k in sc}}
        feats.update({"anomaly." + k: float(v[0]) for k, v in sc.items()})
        feats["input.greyStd"] = grey_std(xv[0], a["input"])
        feats["input.edgeMean"] = edge_mean(xv[0], a["input"])
        feats["input.flatFraction"] = flat_fraction(xv[0], a["input"])
        rec["features"] = feats
        E = pipeline.ensemble(probs, mf, weights)[0]
        ecam = pipeline.ensemble_cam(cams, mf, weights)
        fm = man["findings"]
        probabilities = {f["code"]: float(E[j]) for j, f in enumerate(fm)}
        positive = pipeline.consistent_positive(probabilities, fm)
        rec["ensemble"] = {"probabilities": probabilities,
                           "positive": positive,
                           "reportedPositive": [f["code"] for f in fm if f["reported"] and positive[f["code"]]],
                           "cam": put(f"{stem}.ensemble.cam.f32", ecam.astype(np.float32))}
        rec["gate"] = pipeline.gate_decide(feats, man["gate"], E, fm)
        out["images"].append(rec)
        log(fname, "gate", rec["gate"], "reported positive", rec["ensemble"]["reportedPositive"])
    save_json(os.path.join(FIX, "fixtures.json"), out)


if __name__ == "__main__":
    main()
