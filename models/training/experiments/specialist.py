"""Exploratory, not part of the release: does a short second training stage on one task's images only raise the
two targets the ensemble misses? Starts from a released member, fine-tunes it on
  --task nih:     NIH train images only, the 13 NIH findings and No Finding (other labels masked);
  --task subtype: train images with pneumonia only, the bacterial / viral heads (other labels masked),
with the member's recipe (masked BCE, positive re-weighting, augmentation) at a lower learning rate, optionally at
a larger input (--size 224, Kermany's native size; sub-type task only, from the kermany + covid images cached by
experiments/subtype_224.py), then scores
the member alone and the ensemble with the specialist's task outputs in place of the member's, on val, after
every epoch. The last epoch is the one that counts (fixed in advance, so val is not used to pick it).
Needs the cache (cache_data.py) and the release weights. Usage, from the repository root:
  CHESTLENS_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/experiments/specialist.py \
      --member mobilenetv2 --task nih --epochs 4

Result (2026-12-02, one core per run; release ensemble: viral vs bacterial 0.8330, NIH five 0.7956):
- --member mobilenetv2 --task nih: NIH five of the member 0.777 / 0.791 / 0.787 / 0.786 after epochs 1-4 (released
  member 0.795); ensemble with it 0.790 / 0.794 / 0.794 / 0.793.
- --member tiny-darknet --task subtype: viral vs bacterial 0.836 / 0.842 / 0.836 / 0.837 (released member 0.837);
  ensemble 0.836 / 0.837 / 0.833 / 0.834.
- --task subtype --size 224: tiny-darknet 0.805 / 0.813 / 0.824 / 0.826, mobilenetv2 0.794 / 0.815 / 0.815 / 0.814
  (released members at 128 px: 0.837, 0.824). No gain anywhere; not released.
"""
import argparse, math, os, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import numpy as np, torch
from common import DEFAULT_DATA, FINDINGS, NIH5, MODELS, load_json, log, seed_all, setup_torch
from members import MEMBERS, load_trained
from augment import augment, to_spec
from train_members import BATCH, masked_bce, pos_weights, val_report
import cache_data, pipeline
from subtype_224 import load as load_pneumonia_sources

NIH_SOURCES = ["nih", "nih128"]
TASK_FINDINGS = {"nih": ["no_finding", "atelectasis", "cardiomegaly", "consolidation", "edema", "effusion",
                         "infiltration", "pneumothorax", "nodule", "mass", "emphysema", "fibrosis",
                         "pleural_thickening", "hernia"],
                 "subtype": ["bacterial_pneumonia", "viral_pneumonia"]}


@torch.no_grad()
def probabilities(clf, X, spec, bs=256):
    clf.eval()
    return np.concatenate([torch.sigmoid(clf(to_spec(torch.from_numpy(X[i:i + bs]).unsqueeze(1) / 255.0, spec))).numpy()
                           for i in range(0, len(X), bs)])


def main():
    setup_torch()
    ap = argparse.ArgumentParser()
    ap.add_argument("--member", required=True, choices=list(MEMBERS))
    ap.add_argument("--task", required=True, choices=list(TASK_FINDINGS))
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr-factor", type=float, default=0.25)
    ap.add_argument("--size", type=int, default=128)
    a = ap.parse_args()
    cfg = MEMBERS[a.member]
    spec = dict(cfg["input"], height=a.size, width=a.size)
    seed_all(cfg["seed"] + 100)
    d = cache_data.load()
    X = d["X"]
    if a.size != 128:
        # same rows in the same order (index.csv) as the 128 px cache, restricted to the two pneumonia sources
        assert a.task == "subtype"
        big = load_pneumonia_sources(DEFAULT_DATA, a.size)
        rows = np.where(np.isin(d["source"], ["kermany", "covid"]))[0]
        assert len(rows) == len(big["X"]) and (big["source"] == d["source"][rows]).all()
        X = np.zeros((len(d["X"]), a.size, a.size), np.uint8)
        X[rows] = big["X"]
    j = FINDINGS.index
    keep = [j(f) for f in TASK_FINDINGS[a.task]]
    Y = d["Y"].copy()
    drop = [c for c in range(len(FINDINGS)) if c not in keep]
    Y[:, drop] = -1
    train = d["split"] == "train"
    if a.task == "nih":
        tr = np.where(train & np.isin(d["source"], NIH_SOURCES))[0]
    else:
        tr = np.where(train & (d["Y"][:, j("pneumonia")] == 1) & (d["Y"][:, j("viral_pneumonia")] >= 0))[0]
    va = np.where(d["split"] == "val")[0]
    Yva, Sva = d["Y"][va].astype(int), d["source"][va]

    man = load_json(os.path.join(MODELS, "manifest.json"))
    names = [m["name"] for m in man["members"]]
    weights = {m["name"]: m["weights"] for m in man["members"]}
    base = {n: probabilities(load_trained(n), d["X"][va], MEMBERS[n]["input"]) for n in names}

    def scores(P):
        r = val_report(P, Yva, Sva)
        return r["pneumonia:viral_vs_bacterial"], r["_nih5"], [r["nih:" + f] for f in NIH5]

    def ensemble_with(P_spec):
        probs = dict(base)
        Q = base[a.member].copy()
        Q[:, keep] = P_spec[:, keep]
        probs[a.member] = Q
        return pipeline.ensemble(probs, {n: FINDINGS for n in names}, weights)

    vb0, n50, _ = scores(pipeline.ensemble(base, {n: FINDINGS for n in names}, weights))
    vbm, n5m, _ = scores(base[a.member])
    log(f"release: ensemble viral-vs-bact {vb0:.4f} nih5 {n50:.4f} | {a.member} alone viral-vs-bact {vbm:.4f} nih5 {n5m:.4f}")
    log(a.member, a.task, "train images", len(tr), "epochs", a.epochs, "lr", cfg["lr"] * a.lr_factor)

    model = load_trained(a.member).to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"] * a.lr_factor, weight_decay=1e-4)
    lr0 = opt.param_groups[0]["lr"]
    Xtr_t, Ytr_t = torch.from_numpy(X[tr]), torch.from_numpy(Y[tr].astype(np.int64))
    pw = pos_weights(Y[tr])
    spe = len(tr) // BATCH
    total, warm = spe * a.epochs, min(50, spe)
    g = torch.Generator().manual_seed(cfg["seed"] + 100)
    rng = np.random.default_rng(cfg["seed"] + 100)
    step = 0
    for ep in range(1, a.epochs + 1):
        model.train()
        t0, perm, tot = time.time(), rng.permutation(len(tr)), 0.0
        for b in range(spe):
            idx = torch.from_numpy(perm[b * BATCH:(b + 1) * BATCH])
            x = to_spec(augment(Xtr_t[idx].unsqueeze(1) / 255.0, g), spec).contiguous(memory_format=torch.channels_last)
            f = step / warm if step < warm else 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))
            opt.param_groups[0]["lr"] = lr0 * max(f, 0.01)
            loss = masked_bce(model(x), Ytr_t[idx], pw)
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
            tot += float(loss); step += 1
        P = probabilities(model, X[va], spec)
        vbs, n5s, per = scores(P)
        vbe, n5e, _ = scores(ensemble_with(P))
        log(f"{a.member} {a.task} epoch {ep}/{a.epochs} loss {tot / spe:.4f} {time.time() - t0:.0f}s | alone "
            f"viral-vs-bact {vbs:.4f} nih5 {n5s:.4f} ({' '.join('%.3f' % v for v in per)}) | ensemble "
            f"viral-vs-bact {vbe:.4f} nih5 {n5e:.4f}")


if __name__ == "__main__":
    main()
