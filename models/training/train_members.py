"""Train one ensemble member on the cached train split with masked, positive-reweighted BCE.
Per-epoch log lines (loss, val AUCs); best epoch on val (mean AUC of findings with >= 10 val positives)
saved as fp16 state dict in training/weights/<file>.pt; val probabilities cached for ensembling.
Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 train_members.py --member tiny-darknet [--epochs 8]
"""
import argparse, json, math, os, time
import numpy as np
import torch
import torch.nn.functional as F
from common import CACHE, FINDINGS, WEIGHTS, log, setup_torch, seed_all, save_json
from members import MEMBERS, PARENTS, build, weights_path
from augment import augment, to_spec
from metrics import auc
import cache_data

BATCH = 64


def pos_weights(Y):
    pw = []
    for j in range(Y.shape[1]):
        p, n = (Y[:, j] == 1).sum(), (Y[:, j] == 0).sum()
        pw.append(float(np.clip(math.sqrt(n / max(p, 1)), 1.0, 8.0)))
    return torch.tensor(pw, dtype=torch.float32)


def condition_subtypes(Y):
    """A sub-type's label counts only where its parent is present: its head learns P(sub-type | parent)."""
    Y = Y.copy()
    for j, p in enumerate(PARENTS):
        if p >= 0:
            Y[Y[:, p] != 1, j] = -1
    return Y


def masked_bce(logits, y, pw):
    mask = (y >= 0).float()
    t = y.clamp_min(0).float()
    l = F.binary_cross_entropy_with_logits(logits, t, pos_weight=pw, reduction="none")
    return (l * mask).sum() / mask.sum().clamp_min(1)


@torch.no_grad()
def predict(model, X, spec, bs=256):
    model.eval()
    out = []
    for i in range(0, len(X), bs):
        x = torch.from_numpy(X[i:i + bs]).unsqueeze(1) / 255.0
        x = to_spec(x, spec).contiguous(memory_format=torch.channels_last)
        out.append(model.joint_probabilities(model(x)).numpy())
    return np.concatenate(out)


def val_report(P, Y, src):
    res = {}
    for j, f in enumerate(FINDINGS):
        m = Y[:, j] >= 0
        if (Y[m, j] == 1).sum() >= 10:
            res[f] = auc(Y[m, j] == 1, P[m, j])
    nih = np.isin(src, ["nih", "nih128"])
    for f in ["atelectasis", "cardiomegaly", "consolidation", "edema", "effusion"]:
        j = FINDINGS.index(f); m = nih & (Y[:, j] >= 0)
        res["nih:" + f] = auc(Y[m, j] == 1, P[m, j])
    ker = src == "kermany"; j = FINDINGS.index("pneumonia")
    res["kermany:pneumonia"] = auc(Y[ker, j] == 1, P[ker, j])
    pn = (Y[:, FINDINGS.index("pneumonia")] == 1) & (Y[:, FINDINGS.index("viral_pneumonia")] >= 0)
    jv = FINDINGS.index("viral_pneumonia")
    res["pneumonia:viral_vs_bacterial"] = auc(Y[pn, jv] == 1, P[pn, jv])
    cv = (src == "covid") & (Y[:, FINDINGS.index("covid_19")] >= 0)
    jc = FINDINGS.index("covid_19")
    res["covid-source:covid_19"] = auc(Y[cv, jc] == 1, P[cv, jc])
    main = [res[f] for f in FINDINGS if f in res]
    res["_mean_pooled"] = float(np.mean(main))
    res["_nih5"] = float(np.mean([res["nih:" + f] for f in ["atelectasis", "cardiomegaly", "consolidation", "edema", "effusion"]]))
    return res


def main():
    setup_torch()
    ap = argparse.ArgumentParser()
    ap.add_argument("--member", required=True, choices=list(MEMBERS))
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--limit", type=int, default=0, help="debug: train on the first N images only")
    ap.add_argument("--seed", type=int, default=None, help="experiments: another seed than the member's")
    a = ap.parse_args()
    cfg = dict(MEMBERS[a.member])
    cfg["seed"] = cfg["seed"] if a.seed is None else a.seed
    epochs = a.epochs or cfg["epochs"]
    seed_all(cfg["seed"])
    d = cache_data.load()
    tr = np.where(d["split"] == "train")[0]
    va = np.where(d["split"] == "val")[0]
    if a.limit:
        tr = tr[:a.limit]
    Xtr, Ytr = d["X"][tr], condition_subtypes(d["Y"][tr])
    Xva, Yva, Sva = d["X"][va], d["Y"][va], d["source"][va]
    pw = pos_weights(Ytr)
    log(a.member, "train", len(tr), "val", len(va), "epochs", epochs, "pos_weight", [round(float(v), 2) for v in pw])
    model = build(a.member, pretrained=True).to(memory_format=torch.channels_last)
    head = [p for n, p in model.named_parameters() if n.startswith("fc.")]
    body = [p for n, p in model.named_parameters() if not n.startswith("fc.")]
    opt = torch.optim.AdamW([{"params": body, "lr": cfg["lr"]}, {"params": head, "lr": cfg["lr"] * 2}],
                            weight_decay=1e-4)
    steps_per_epoch = len(tr) // BATCH
    total = steps_per_epoch * epochs
    warm = min(150, total // 10)
    base = [g["lr"] for g in opt.param_groups]
    g = torch.Generator().manual_seed(cfg["seed"])
    rng = np.random.default_rng(cfg["seed"])
    spec = cfg["input"]
    Xtr_t = torch.from_numpy(Xtr)
    Ytr_t = torch.from_numpy(Ytr.astype(np.int64))
    best, best_ep, hist, step = -1, -1, [], 0
    for ep in range(1, epochs + 1):
        model.train()
        t0 = time.time(); perm = rng.permutation(len(tr)); tot = 0.0
        for b in range(steps_per_epoch):
            idx = torch.from_numpy(perm[b * BATCH:(b + 1) * BATCH])
            x = Xtr_t[idx].unsqueeze(1) / 255.0
            x = to_spec(augment(x, g), spec).contiguous(memory_format=torch.channels_last)
            y = Ytr_t[idx]
            f = step / warm if step < warm else 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))
            for grp, lr in zip(opt.param_groups, base):
                grp["lr"] = lr * max(f, 0.01)
            loss = masked_bce(model(x), y, pw)
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
            tot += float(loss); step += 1
        tr_time = time.time() - t0
        P = predict(model, Xva, spec)
        r = val_report(P, Yva, Sva)
        score = r["_mean_pooled"]
        hist.append({"epoch": ep, "loss": tot / steps_per_epoch, "seconds": tr_time, **{k: round(v, 4) for k, v in r.items()}})
        log(f"{a.member} epoch {ep}/{epochs} loss {tot / steps_per_epoch:.4f} {tr_time:.0f}s | val mean AUC {score:.4f} "
            f"nih5 {r['_nih5']:.4f} kermany-pneu {r['kermany:pneumonia']:.4f} covid {r.get('covid_19', float('nan')):.4f} "
            f"covid-in-source {r['covid-source:covid_19']:.4f} viral-vs-bact {r['pneumonia:viral_vs_bacterial']:.4f}")
        if score > best:
            best, best_ep = score, ep
            os.makedirs(WEIGHTS, exist_ok=True)
            sd = {k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()}
            torch.save(sd, weights_path(a.member))
    log(a.member, "best epoch", best_ep, "val mean AUC", round(best, 4))
    save_json(os.path.join(CACHE, "logs", f"train_{cfg['file']}.json"), {"member": a.member, "best_epoch": best_ep, "history": hist})


if __name__ == "__main__":
    main()
