"""Exploratory, not part of the release: does test-time augmentation (each member's probabilities averaged over
fixed shifted / scaled / rotated views of the image) raise the two targets the ensemble misses, viral vs bacterial
within pneumonia and the NIH five? Release weights and ensemble weights (models/manifest.json), val split. Needs the
cache (cache_data.py). About 35 min on 2 cores. Usage, from the repository root:
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/experiments/tta.py
"""
import os, sys, math
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import numpy as np, torch, torch.nn.functional as F
from common import FINDINGS, MODELS, load_json, setup_torch
from members import MEMBERS, load_trained
from augment import to_spec
from train_members import val_report
import cache_data, pipeline

# (scale, shift x, shift y in grid units, rotation in degrees): within the training augmentation's range
VIEWS = {"identity": (1, 0, 0, 0), "zoom-in 5%": (1.05, 0, 0, 0), "zoom-out 5%": (0.95, 0, 0, 0),
         "left 2%": (1, 0.04, 0, 0), "right 2%": (1, -0.04, 0, 0), "up 2%": (1, 0, 0.04, 0), "down 2%": (1, 0, -0.04, 0),
         "rotate +4": (1, 0, 0, 4), "rotate -4": (1, 0, 0, -4)}
GROUPS = {"identity only": ["identity"], "scales": ["identity", "zoom-in 5%", "zoom-out 5%"],
          "shifts": ["identity", "left 2%", "right 2%", "up 2%", "down 2%"],
          "rotations": ["identity", "rotate +4", "rotate -4"], "all 9 views": list(VIEWS)}


def view(x, sc, tx, ty, deg):
    a = math.radians(deg)
    th = torch.tensor([[math.cos(a) / sc, -math.sin(a) / sc, tx], [math.sin(a) / sc, math.cos(a) / sc, ty]], dtype=x.dtype)
    g = F.affine_grid(th.expand(len(x), 2, 3), x.shape, align_corners=False)
    return F.grid_sample(x, g, mode="bilinear", padding_mode="zeros", align_corners=False)


def main():
    setup_torch()
    man = load_json(os.path.join(MODELS, "manifest.json"))
    names = [m["name"] for m in man["members"]]
    weights = {m["name"]: m["weights"] for m in man["members"]}
    d = cache_data.load()
    va = np.where(d["split"] == "val")[0]
    Y, S = d["Y"][va].astype(int), d["source"][va]
    X = torch.from_numpy(d["X"][va] / 255.0).float().unsqueeze(1)
    P = {}
    with torch.no_grad():
        for n in names:
            clf, spec = load_trained(n), MEMBERS[n]["input"]
            for v, p in VIEWS.items():
                xs = X if v == "identity" else view(X, *p)
                P[n, v] = np.concatenate([torch.sigmoid(clf(to_spec(xs[i:i + 128], spec))).numpy() for i in range(0, len(xs), 128)])

    def targets(views):
        E = pipeline.ensemble({n: np.mean([P[n, v] for v in views], 0) for n in names}, {n: FINDINGS for n in names}, weights)
        r = val_report(E, Y, S)
        return r["pneumonia:viral_vs_bacterial"], r["_nih5"], r["covid_19"]
    print("| views | viral vs bacterial within pneumonia | NIH five mean | COVID-19 overall |\n|---|---|---|---|")
    for g, vs in GROUPS.items():
        print("| %s | %.4f | %.4f | %.4f |" % ((g,) + targets(vs)))


if __name__ == "__main__":
    main()
