"""The inference pipeline exactly as the server runs it (reference for fixtures, calibration, evaluation):
decode -> per-model preprocessing (preprocess.py) -> member graphs (ExportMember) -> ensemble -> VAE ->
gate features -> gate decision. Batch helpers work on cached 128x128 'stretch' geometry (identical
preprocessing for all default models)."""
import os
import numpy as np
import torch
from common import FINDINGS, CACHE, WEIGHTS
from members import MEMBERS, load_trained, build
from nets import ExportMember, ConvVAE
from preprocess import decode_grey8, decode_rgb8, saturation, geometry, to_tensor, grey_std, edge_mean
import train_vae


def ood_path(name):
    return os.path.join(WEIGHTS, MEMBERS[name]["file"] + ".ood.pt")


OUTPUTS = ["probabilities", "cam", "embedding", "ood_distance", "ood_texture"]
SCALARS = ["ood_distance", "ood_texture"]


def load_export_member(name):
    clf = load_trained(name)
    st = torch.load(ood_path(name))
    m = ExportMember(clf, st["mu"].float(), st["whiten"].float(), st["mu_low"].float(), st["whiten_low"].float())
    m.eval()
    return m


def load_vae():
    return train_vae.load_vae()


def tensor_batch(G, spec):
    """G: (N,H,W) float32 grey 0..255 after geometry -> (N,C,H,W) float32 per spec (valueRange, mean/std)."""
    return np.stack([to_tensor(g, spec) for g in G])


@torch.no_grad()
def run_member(m, X, bs=128):
    """-> dict output name -> array (OUTPUTS order; ood_texture only when the member has low-level stats)."""
    outs = None
    for i in range(0, len(X), bs):
        r = m(torch.from_numpy(np.ascontiguousarray(X[i:i + bs])))
        outs = outs or [[] for _ in r]
        for o, v in zip(outs, r):
            o.append(v.numpy())
    return {k: np.concatenate(o) for k, o in zip(OUTPUTS, outs)}


@torch.no_grad()
def low_stats_batch(clf, X, bs=128):
    from nets import low_stats
    out = []
    for i in range(0, len(X), bs):
        f, low = clf.backbone.forward_low(torch.from_numpy(np.ascontiguousarray(X[i:i + bs])))
        out.append(torch.cat([f.mean((2, 3)), low_stats(low)], 1).numpy())
    return np.concatenate(out)


@torch.no_grad()
def run_vae(vae, X, bs=128):
    rec, mus, lvs = [], [], []
    for i in range(0, len(X), bs):
        r, mu, lv = vae(torch.from_numpy(np.ascontiguousarray(X[i:i + bs])))
        rec.append(r.numpy()); mus.append(mu.numpy()); lvs.append(lv.numpy())
    rec, mu, lv = np.concatenate(rec), np.concatenate(mus), np.concatenate(lvs)
    return rec, mu, lv


def vae_scores_np(x, rec, mu, lv, w):
    """MANIFEST formulas, float64 accumulation."""
    d = (x.astype(np.float64) - rec.astype(np.float64)) ** 2
    d = d.reshape(len(d), -1)
    mse = d.mean(1)
    kl = -0.5 * (1 + lv.astype(np.float64) - mu.astype(np.float64) ** 2 - np.exp(lv.astype(np.float64))).sum(1)
    return {"mse": mse, "kl": kl, "negElbo": w * d.sum(1) + kl}


def consistent_positive(probabilities, findings_manifest):
    """{code: p} and the manifest's findings -> {code: positive}: p >= threshold, then a sub-type only while its
    parent is positive and the normal finding only while no other reported finding is (as the server does)."""
    pos = {f["code"]: bool(probabilities[f["code"]] >= f["threshold"]) for f in findings_manifest}
    for f in findings_manifest:
        if f.get("subtypeOf") and pos[f["code"]] and not pos.get(f["subtypeOf"], False):
            pos[f["code"]] = False
    reported = {f["code"]: f["reported"] for f in findings_manifest}
    for f in findings_manifest:
        if f.get("normal") and pos[f["code"]]:
            pos[f["code"]] = not any(v and c != f["code"] and reported[c] for c, v in pos.items())
    return pos


def ensemble(probs_by_member, member_findings, weights):
    """probs_by_member: {name: (N,F_m)}; weights: {name: {code: w}} -> (N, len(FINDINGS)) ensemble probabilities."""
    n = len(next(iter(probs_by_member.values())))
    out = np.full((n, len(FINDINGS)), np.nan)
    for j, f in enumerate(FINDINGS):
        num, den = np.zeros(n), 0.0
        for name, P in probs_by_member.items():
            w = weights.get(name, {}).get(f, 0.0)
            if w > 0 and f in member_findings[name]:
                num += w * P[:, member_findings[name].index(f)].astype(np.float64)
                den += w
        if den > 0:
            out[:, j] = num / den
    return out


def ensemble_cam(cams_by_member, member_findings, weights):
    """All default members give 8x8 maps: combined per finding with the ensemble weights (no resampling needed)."""
    any_cam = next(iter(cams_by_member.values()))
    n, _, h, w_ = any_cam.shape
    out = np.zeros((n, len(FINDINGS), h, w_))
    for j, f in enumerate(FINDINGS):
        den = 0.0
        for name, C in cams_by_member.items():
            wt = weights.get(name, {}).get(f, 0.0)
            if wt > 0 and f in member_findings[name]:
                assert C.shape[2:] == (h, w_)
                out[:, j] += wt * C[:, member_findings[name].index(f)]
                den += wt
        if den > 0:
            out[:, j] /= den
    return out


def percentile_rank(value, pcts):
    """Percentile rank (0..100) of value against 101 stored percentiles p[0..100], linear interpolation:
    v <= p[0] -> 0; v >= p[100] -> 100; else i = the largest index with p[i] <= v and r = i + (v - p[i]) / (p[i+1] - p[i])."""
    p = np.asarray(pcts, np.float64)
    if value <= p[0]:
        return 0.0
    if value >= p[-1]:
        return 100.0
    i = int(np.searchsorted(p, value, side="right")) - 1
    return float(i + (value - p[i]) / (p[i + 1] - p[i]))


def gate_decide(feat, gate, ens_probs=None, findings_meta=None):
    """First rule that fires (value > max or value < min) rejects; then the uncertainty rule."""
    for r in gate["rules"]:
        v = feat[r["feature"]]
        if ("max" in r and v > r["max"]) or ("min" in r and v < r["min"]):
            return {"rejected": True, "feature": r["feature"], "reason": r["reason"]}
    u = gate.get("uncertainty")
    if u is not None and ens_probs is not None:
        rep = [(j, fm["threshold"]) for j, fm in enumerate(findings_meta) if fm["reported"]]
        if rep and all(abs(ens_probs[j] - t) <= u["margin"] for j, t in rep):
            return {"rejected": True, "feature": "uncertainty", "reason": u["reason"]}
    return {"rejected": False, "feature": None, "reason": None}
