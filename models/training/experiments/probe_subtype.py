"""Exploratory, not part of the release: how far can viral vs bacterial (within pneumonia) go on the features the
members already have? A logistic regression on each frozen member's pooled embedding (and on all three
concatenated), fitted on the pneumonia-positive train images only, scored on the pneumonia-positive val images.
Needs the cache (cache_data.py). Usage, from the repository root:
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/experiments/probe_subtype.py
"""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np, torch
from common import FINDINGS, setup_torch
from members import MEMBERS
from embeddings import member_embeddings
from metrics import auc
import cache_data
setup_torch()
d = cache_data.load()
X, Y, split, src = d["X"], d["Y"], d["split"], d["source"]
jp, jv = FINDINGS.index("pneumonia"), FINDINGS.index("viral_pneumonia")
pn = (Y[:, jp] == 1) & (Y[:, jv] >= 0)
tr = np.where(pn & (split == "train"))[0]; va = np.where(pn & (split == "val"))[0]
print("train", len(tr), "val", len(va), "viral share", (Y[tr, jv] == 1).mean())
def probe(Etr, Eva, wd):
    mu, sd = Etr.mean(0), Etr.std(0) + 1e-6
    A = torch.tensor((Etr - mu) / sd, dtype=torch.float32); B = torch.tensor((Eva - mu) / sd, dtype=torch.float32)
    y = torch.tensor(Y[tr, jv] == 1, dtype=torch.float32)
    lin = torch.nn.Linear(A.shape[1], 1); opt = torch.optim.LBFGS(lin.parameters(), max_iter=200)
    def closure():
        opt.zero_grad(); l = torch.nn.functional.binary_cross_entropy_with_logits(lin(A)[:, 0], y) + wd * (lin.weight ** 2).sum(); l.backward(); return l
    opt.step(closure)
    return auc(Y[va, jv] == 1, lin(B)[:, 0].detach().numpy())
E = {n: (member_embeddings(n, X, tr), member_embeddings(n, X, va)) for n in MEMBERS}
for wd in [1e-4, 1e-3, 1e-2]:
    for n in MEMBERS:
        print(f"wd {wd} {n}: val AUC viral vs bacterial {probe(*E[n], wd):.4f}")
    print(f"wd {wd} all members concatenated: {probe(np.concatenate([E[n][0] for n in MEMBERS], 1), np.concatenate([E[n][1] for n in MEMBERS], 1), wd):.4f}")
