"""Exploratory, not part of the release: does a classifier on all three members' frozen embeddings together
(a logistic regression per finding, positives re-weighted) beat the ensemble on the five adult findings of NIH
images? Fitted on NIH train images, scored on NIH val images. Needs the cache (cache_data.py). Usage, from the
repository root:
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/experiments/probe_nih.py
"""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import numpy as np, torch
from common import FINDINGS, setup_torch
from members import MEMBERS
from embeddings import member_embeddings
from metrics import auc
import cache_data
setup_torch()
d = cache_data.load()
X, Y, split, src = d["X"], d["Y"], d["split"], d["source"]
nih = np.isin(src, ["nih", "nih128"])
tr = np.where(nih & (split == "train"))[0]; va = np.where(nih & (split == "val"))[0]
FIVE = ["atelectasis", "cardiomegaly", "consolidation", "edema", "effusion"]
E = {n: (member_embeddings(n, X, tr), member_embeddings(n, X, va)) for n in MEMBERS}
A0 = np.concatenate([E[n][0] for n in MEMBERS], 1); B0 = np.concatenate([E[n][1] for n in MEMBERS], 1)
mu, sd = A0.mean(0), A0.std(0) + 1e-6
A = torch.tensor((A0 - mu) / sd, dtype=torch.float32); B = torch.tensor((B0 - mu) / sd, dtype=torch.float32)
for wd in [1e-3, 1e-2, 3e-2]:
    res = []
    for f in FIVE:
        j = FINDINGS.index(f); mt = Y[tr, j] >= 0; mv = Y[va, j] >= 0
        y = torch.tensor(Y[tr, j][mt] == 1, dtype=torch.float32)
        pw = float((y == 0).sum() / max((y == 1).sum(), 1)) ** 0.5
        lin = torch.nn.Linear(A.shape[1], 1); opt = torch.optim.LBFGS(lin.parameters(), max_iter=200)
        At = A[torch.from_numpy(mt)]
        def closure():
            opt.zero_grad()
            l = torch.nn.functional.binary_cross_entropy_with_logits(lin(At)[:, 0], y, pos_weight=torch.tensor(pw)) + wd * (lin.weight ** 2).sum()
            l.backward(); return l
        opt.step(closure)
        res.append(auc(Y[va, j][mv] == 1, lin(B[torch.from_numpy(mv)])[:, 0].detach().numpy()))
    print(f"wd {wd}: stacked linear probe on all members' embeddings, NIH five:", [round(r, 4) for r in res], "mean", round(float(np.mean(res)), 4), flush=True)
