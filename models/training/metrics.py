"""AUC (Mann-Whitney, ties averaged), DeLong 95% CI, Youden threshold, Brier, reliability table."""
import numpy as np
from scipy_free import rankdata


def auc(y, s):
    y = np.asarray(y).astype(bool); s = np.asarray(s, np.float64)
    npos, nneg = int(y.sum()), int((~y).sum())
    if npos == 0 or nneg == 0:
        return float("nan")
    r = rankdata(s)
    return float((r[y].sum() - npos * (npos + 1) / 2.0) / (npos * nneg))


def delong_ci(y, s, z=1.959964):
    """AUC with DeLong 95% CI. Returns (auc, lo, hi)."""
    y = np.asarray(y).astype(bool); s = np.asarray(s, np.float64)
    pos, neg = s[y], s[~y]
    m, n = len(pos), len(neg)
    if m == 0 or n == 0:
        return float("nan"), float("nan"), float("nan")
    tx, ty, tz = rankdata(pos), rankdata(neg), rankdata(np.concatenate([pos, neg]))
    a = (tz[:m].sum() - m * (m + 1) / 2.0) / (m * n)
    v01 = (tz[:m] - tx) / n               # structural components
    v10 = 1.0 - (tz[m:] - ty) / m
    sx = np.var(v01, ddof=1) if m > 1 else 0.0
    sy = np.var(v10, ddof=1) if n > 1 else 0.0
    se = np.sqrt(sx / m + sy / n)
    return float(a), float(max(0.0, a - z * se)), float(min(1.0, a + z * se))


def youden(y, s):
    """Threshold maximising sensitivity + specificity - 1 (a positive is s >= threshold).
    Threshold = midpoint between the chosen score and the next lower distinct score."""
    y = np.asarray(y).astype(bool); s = np.asarray(s, np.float64)
    u = np.unique(s)[::-1]
    P, N = y.sum(), (~y).sum()
    best = (-2, 0.5, 0, 0)
    for i, t in enumerate(u):
        pred = s >= t
        se = (pred & y).sum() / P; sp = (~pred & ~y).sum() / N
        j = se + sp - 1
        if j > best[0] + 1e-12:
            lower = u[i + 1] if i + 1 < len(u) else t - 1e-6
            best = (j, float((t + lower) / 2.0), float(se), float(sp))
    return {"threshold": best[1], "j": float(best[0]), "sensitivity": best[2], "specificity": best[3]}


def sens_spec(y, s, t):
    y = np.asarray(y).astype(bool); pred = np.asarray(s) >= t
    return float((pred & y).sum() / max(1, y.sum())), float((~pred & ~y).sum() / max(1, (~y).sum()))


def brier(y, p):
    y = np.asarray(y, np.float64); p = np.asarray(p, np.float64)
    return float(np.mean((p - y) ** 2))


def reliability(y, p, bins=10):
    y = np.asarray(y, np.float64); p = np.asarray(p, np.float64)
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for i in range(bins):
        m = (p >= edges[i]) & ((p < edges[i + 1]) if i < bins - 1 else (p <= 1))
        if m.sum():
            out.append({"bin": [round(edges[i], 2), round(edges[i + 1], 2)], "n": int(m.sum()),
                        "meanPredicted": float(p[m].mean()), "observed": float(y[m].mean())})
    ece = sum(o["n"] * abs(o["meanPredicted"] - o["observed"]) for o in out) / max(1, len(y))
    return out, float(ece)
