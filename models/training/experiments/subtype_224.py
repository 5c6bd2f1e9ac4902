"""Exploratory: does a 224 px input (Kermany's native size) help viral vs bacterial? Fine-tunes one ImageNet
member on the pneumonia sources (kermany, covid) at SIZE px, labels pneumonia / bacterial / viral, masked BCE.
Scores val each epoch: viral vs bacterial within pneumonia (all sources and Kermany alone).
Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/experiments/subtype_224.py --member mobilenetv2 --size 224 --crop 128

Result (2026-12-01, 1 thread per run, both runs stopped early):
- Whole 224 px images: 145 ms per image per training step for MobileNetV2-0.35 (12 min per epoch on 4,944 images),
  about 5x the 128 px cost: too slow for the 90-minute budget; stopped after 20 steps. Measured before the
  allocator settings that train_all.py now sets (glibc malloc page-faulting every batch); the cost may be lower.
- --crop 128 (train on 128 px crops at native resolution, test on the whole 224 px image), MobileNetV2, epochs 1-6
  of 8: viral vs bacterial within pneumonia 0.69 / 0.74 / 0.63 / 0.74 / 0.76 / 0.75 (Kermany pneumonia only
  0.65-0.72). Tiny Darknet, epochs 1-3: 0.66 / 0.73 / 0.69. Both below the 128 px members (0.78), so native
  resolution alone does not rescue the sub-type task here.
"""
import argparse, csv, math, os, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from multiprocessing import Pool
import numpy as np, torch
import torch.nn as nn
from common import CACHE, DEFAULT_DATA, log, seed_all
from members import MEMBERS, build
from augment import augment, to_spec
from metrics import auc
from train_members import masked_bce, pos_weights
from preprocess import decode_grey8, geometry

LABELS = ["Pneumonia", "Bacterial Pneumonia", "Viral Pneumonia"]


def _one(args):
    path, size = args
    return geometry(decode_grey8(path), size, size, "stretch").astype(np.uint8)


def load(data, size):
    out = os.path.join(CACHE, f"pneumonia_sources_{size}.npz")
    if not os.path.exists(out):
        rows = [r for r in csv.DictReader(open(os.path.join(data, "index.csv"))) if r["source"] in ("kermany", "covid")]
        with Pool(2) as p:
            X = np.stack(p.map(_one, [(os.path.join(data, r["path"]), size) for r in rows], chunksize=32))
        Y = np.array([[int(r[l]) if r[l] != "" else -1 for l in LABELS] for r in rows], np.int8)
        np.savez(out, X=X, Y=Y, split=np.array([r["split"] for r in rows]), source=np.array([r["source"] for r in rows]))
    z = np.load(out)
    return {k: z[k] for k in z.files}


def report(P, Y, S):
    pn = (Y[:, 0] == 1) & (Y[:, 2] >= 0)
    ratio = P[:, 2] / (P[:, 1] + P[:, 2] + 1e-6)
    k = pn & (S == "kermany")
    return {"vb": auc(Y[pn, 2] == 1, P[pn, 2]), "vb_ratio": auc(Y[pn, 2] == 1, ratio[pn]),
            "vb_kermany": auc(Y[k, 2] == 1, P[k, 2]), "pneu_kermany": auc(Y[S == "kermany", 0] == 1, P[S == "kermany", 0])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--member", default="mobilenetv2")
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--lowres", type=float, default=0.15)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--crop", type=int, default=0, help="train on random CROP px crops at native resolution, test on the whole image")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    seed_all(21)
    d = load(a.data, a.size)
    tr, va = np.where(d["split"] == "train")[0], np.where(d["split"] == "val")[0]
    Xtr, Ytr = torch.from_numpy(d["X"][tr]), torch.from_numpy(d["Y"][tr].astype(np.int64))
    Xva, Yva, Sva = d["X"][va], d["Y"][va], d["source"][va]
    m = build(a.member, pretrained=True)
    m.fc = nn.Linear(m.fc.in_features, len(LABELS))
    m = m.to(memory_format=torch.channels_last)
    spec = MEMBERS[a.member]["input"]
    pw = pos_weights(Ytr.numpy())
    opt = torch.optim.AdamW(m.parameters(), lr=a.lr, weight_decay=1e-4)
    B = 32; spe = len(tr) // B; total = spe * a.epochs; warm = min(100, total // 10)
    g = torch.Generator().manual_seed(21); rng = np.random.default_rng(21); step = 0
    log("train", len(tr), "val", len(va), "size", a.size, "pw", pw.tolist())
    for ep in range(1, a.epochs + 1):
        m.train(); t0 = time.time(); perm = rng.permutation(len(tr)); tot = 0
        for b in range(spe):
            idx = torch.from_numpy(perm[b * B:(b + 1) * B])
            x = augment(Xtr[idx].unsqueeze(1).float() / 255.0, g, p_lowres=a.lowres)
            if a.crop:
                oy, ox = rng.integers(0, a.size - a.crop + 1, 2)
                x = x[:, :, oy:oy + a.crop, ox:ox + a.crop]
            x = to_spec(x, spec).contiguous(memory_format=torch.channels_last)
            y = Ytr[idx]
            f = step / warm if step < warm else 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))
            for grp in opt.param_groups:
                grp["lr"] = a.lr * max(f, 0.01)
            loss = masked_bce(m(x), y, pw)
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); tot += float(loss); step += 1
            if ep == 1 and b == 20:
                log("20 steps in", round(time.time() - t0), "s")
        m.eval(); P = []
        with torch.no_grad():
            for i in range(0, len(va), 64):
                x = to_spec(torch.from_numpy(Xva[i:i + 64]).unsqueeze(1).float() / 255.0, spec)
                P.append(torch.sigmoid(m(x.contiguous(memory_format=torch.channels_last))).numpy())
        r = report(np.concatenate(P), Yva, Sva)
        log(f"epoch {ep} loss {tot / spe:.4f} {time.time() - t0:.0f}s", {k: round(v, 4) for k, v in r.items()})


if __name__ == "__main__":
    main()
