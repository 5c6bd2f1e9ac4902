"""From the trained weights: in-graph OOD statistics, val predictions, ensemble weights, Youden thresholds,
report flags, VAE reference percentiles, gate calibration, ONNX export, manifest.json.
Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 build_release.py --data ../shared/data/cxr --ood ../shared/data/ood
"""
import argparse, datetime, json, os, time
import numpy as np
import torch
import onnx
from common import (CACHE, DEFAULT_DATA, DEFAULT_OOD, FINDINGS, FINDING_LABELS, MODELS, NIH5, NORMAL_FINDING, SUBTYPE_OF,
                    WEIGHTS, log,
                    setup_torch, save_json, seed_all)
from members import MEMBERS, load_trained
from nets import ExportMember
import cache_data, pipeline, ood, train_vae
from metrics import auc, delong_ci, youden, sens_spec
from preprocess import decode_grey8, decode_rgb8, saturation, geometry, to_tensor, grey_std, edge_mean, flat_fraction

VERSION = "1.1.0"   # 1.1: sub-type heads conditional on their parent (new embedding space: re-import references)
NIH_FINDINGS = FINDINGS[5:]                      # atelectasis .. hernia: adult NIH labels
POOLED_FINDINGS = FINDINGS[:5]                   # no_finding, pneumonia, bacterial, viral, covid_19
REPORT_RULE = ("reported when (1) >= 20 val positives in its evaluation population, (2) the lower DeLong 95% bound "
               "of its val AUC there is >= 0.70, and (3) where positives and negatives come from different sources "
               "(source confounding), the AUC within the single source that holds both (see withinSource) is >= 0.70")
SAT_MAX = 0.04
OOD_FIT_N = 6000                                # train images (fixed random subset) for the Mahalanobis statistics
GATE_VAL_TARGET = 0.015
UNCERTAINTY_MARGIN = 0.02
REASONS = {
    "input.saturation": ("This looks like a colour image, not a chest X-ray.",
                         "Upload a frontal chest X-ray (PA or AP) as PNG, JPEG or DICOM, in greyscale."),
    "input.greyStd": ("The image has too little or too much contrast to be a chest X-ray (blank, flat or binary image).",
                      "Upload the original radiograph, not a blank, cropped or heavily processed image."),
    "input.flatFraction": ("Large perfectly flat areas: this looks like a drawing, document, screenshot or synthetic image.",
                           "Upload the original radiograph (PNG, JPEG or DICOM)."),
    "input.edgeMean": ("The image texture does not look like a radiograph (too noisy, too smooth or patterned).",
                       "Upload the original radiograph at full quality."),
    "ood": ("The models do not recognise this as a chest X-ray (too far from the X-rays they were trained on).",
            "Upload a frontal chest X-ray (PA or AP). Lateral views, other body parts, photographs and documents cannot be analysed."),
    "texture": ("The image's low-level texture and contrast statistics are unlike those of chest X-rays "
                "(synthetic, flat, noisy, patterned or document-like image).",
                "Upload the original radiograph (PNG, JPEG or DICOM), not a screenshot, drawing or document."),
    "anomaly": ("This image is far more unusual than the chest X-rays the anomaly model knows.",
                "Upload a frontal chest X-ray (PA or AP) without overlays, annotations or heavy cropping."),
}


def population(f, Y, src):
    j = FINDINGS.index(f)
    m = Y[:, j] >= 0
    if f in SUBTYPE_OF:           # the graphs output P(sub-type | parent): measured where the parent is present
        return m & (Y[:, FINDINGS.index(SUBTYPE_OF[f])] == 1), f"val images with {SUBTYPE_OF[f]} (all sources), labelled for it"
    if f in NIH_FINDINGS:
        return m & np.isin(src, ["nih", "nih128"]), "val images of sources nih + nih128 (adults)"
    return m, "all val images labelled for it (kermany + covid + nih + nih128)"


def within_source(f, Y, src):
    """Single-source comparisons that expose source confounding (None where not applicable)."""
    col = lambda c: Y[:, FINDINGS.index(c)]
    if f == "covid_19":
        return (src == "covid") & (col(f) >= 0), "covid source only: COVID-19 vs other pneumonias"
    if f == "pneumonia":
        return (src == "kermany") & (col(f) >= 0), "kermany source only (children)"
    if f in ("viral_pneumonia", "bacterial_pneumonia"):
        return (src == "kermany") & (col("pneumonia") == 1) & (col(f) >= 0), "kermany pneumonia images only: viral vs bacterial"
    if f == "no_finding":
        return np.isin(src, ["nih", "nih128"]) & (col(f) >= 0), "nih + nih128 only (adults)"
    return None, None


def ensemble_weights(P, Y, src):
    """Per finding, member weights (s - 0.5)^2 normalised, s = the member's val AUC on the finding's population,
    averaged with its within-source AUC where one exists. Returns (weights, population AUC per member)."""
    weights, member_auc = {n: {} for n in P}, {n: {} for n in P}
    for j, f in enumerate(FINDINGS):
        pm, _ = population(f, Y, src); wm, _ = within_source(f, Y, src)
        sc = {}
        for n, p in P.items():
            s1 = auc(Y[pm, j] == 1, p[pm, j])
            s2 = auc(Y[wm, j] == 1, p[wm, j]) if wm is not None else float("nan")
            member_auc[n][f] = s1
            vals = [v for v in (s1, s2) if not np.isnan(v)]
            sc[n] = float(np.mean(vals)) if vals else float("nan")
        raw = {n: (max(sc[n] - 0.5, 0.0) ** 2 if not np.isnan(sc[n]) else np.nan) for n in P}
        if any(np.isnan(v) for v in raw.values()) or sum(raw.values()) <= 0:
            raw = {n: 1.0 for n in P}
        tot = sum(raw.values())
        for n in P:
            weights[n][f] = round(raw[n] / tot, 6)
    return weights, member_auc


def fit_ood(emb, shrink=0.05):
    mu = emb.mean(0)
    C = np.cov(emb - mu, rowvar=False)
    D = C.shape[0]
    C = (1 - shrink) * C + shrink * (np.trace(C) / D) * np.eye(D)
    lam, V = np.linalg.eigh(C)
    lam = np.maximum(lam, 1e-8 * lam.max())
    W = V / np.sqrt(lam)[None, :]
    return mu.astype(np.float32), W.astype(np.float32)


def member_outputs(m, G, spec):
    X = pipeline.tensor_batch(G, spec)
    return pipeline.run_member(m, X)


def compute_features(G, rgb_sat, members, vae):
    """G: (N,128,128) geometry floats; returns dict feature -> (N,) and member outputs."""
    feats = {"input.saturation": np.asarray(rgb_sat, np.float64)}
    outs = {}
    for name, m in members.items():
        o = member_outputs(m, G, MEMBERS[name]["input"])
        outs[name] = o
        for sc in pipeline.SCALARS:
            feats[f"member.{name}.{sc}"] = o[sc].astype(np.float64)
    Xv = pipeline.tensor_batch(G, train_vae.VAE_INPUT)
    rec, mu, lv = pipeline.run_vae(vae, Xv)
    s = pipeline.vae_scores_np(Xv, rec, mu, lv, train_vae.NEG_ELBO_MSE_WEIGHT)
    feats.update({"anomaly." + k: v for k, v in s.items()})
    feats["input.greyStd"] = np.array([grey_std(x, train_vae.VAE_INPUT) for x in Xv])
    feats["input.edgeMean"] = np.array([edge_mean(x, train_vae.VAE_INPUT) for x in Xv])
    feats["input.flatFraction"] = np.array([flat_fraction(x, train_vae.VAE_INPUT) for x in Xv])
    return feats, outs


def load_images(items):
    """(name, PIL) -> geometry (N,128,128), saturation (N,), names."""
    G, S, names = [], [], []
    for n, im in items:
        G.append(geometry(decode_grey8(im), 128, 128, "stretch"))
        S.append(saturation(decode_rgb8(im)))
        names.append(n)
    return np.stack(G), np.array(S), names


GATE_FEATURES = [  # (feature, sides) in rule order; the first rule that fires gives the reason
    ("input.greyStd", "both"), ("input.flatFraction", "max"), ("input.edgeMean", "both")] + \
    [("member.{n}.ood_texture", "max"), ("member.{n}.ood_distance", "max")] + \
    [("anomaly.mse", "both"), ("anomaly.kl", "both")]


def gate_rules(feats_val, q, member_names):
    """One-class bounds at quantile q (upper) / 1-q (lower) of the val X-rays, saturation fixed."""
    rules = [{"feature": "input.saturation", "max": SAT_MAX}]
    for f, sides in GATE_FEATURES:
        for ff in ([f.format(n=n) for n in member_names] if "{n}" in f else [f]):
            v = feats_val[ff]
            r = {"feature": ff}
            if sides in ("both", "min"):
                r["min"] = float(np.quantile(v, 1 - q))
            if sides in ("both", "max"):
                r["max"] = float(np.quantile(v, q))
            rules.append(r)
    return rules


def reject_mask(feats, rules):
    n = len(next(iter(feats.values())))
    rej = np.zeros(n, bool); first = np.array([None] * n, dtype=object)
    for r in rules:
        v = feats[r["feature"]]
        fire = np.zeros(n, bool)
        if "max" in r:
            fire |= v > r["max"]
        if "min" in r:
            fire |= v < r["min"]
        first[fire & ~rej] = r["feature"]
        rej |= fire
    return rej, first


def with_reasons(rules):
    out = []
    for r in rules:
        key = r["feature"]
        k = "ood" if key.endswith("ood_distance") else "texture" if key.endswith("ood_texture") else ("anomaly" if key.startswith("anomaly.") else key)
        rr = dict(r); rr["reason"], rr["suggestion"] = REASONS[k]
        out.append(rr)
    return out


def main():
    setup_torch()
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--ood", default=DEFAULT_OOD)
    a = ap.parse_args()
    seed_all()
    t0 = time.time()
    d = cache_data.load()
    tr = np.where(d["split"] == "train")[0]; va = np.where(d["split"] == "val")[0]
    Yva, Sva = d["Y"][va].astype(int), d["source"][va]
    names = list(MEMBERS)
    # ---- 1. in-graph OOD statistics from train embeddings (no augmentation)
    members = {}
    for n in names:
        clf = load_trained(n)
        sub = np.sort(np.random.default_rng(5).choice(tr, min(len(tr), OOD_FIT_N), replace=False))
        both = pipeline.low_stats_batch(clf, pipeline.tensor_batch(d["X"][sub], MEMBERS[n]["input"])).astype(np.float64)
        D = clf.fc.in_features
        mu, W = fit_ood(both[:, :D])
        mu_l, W_l = fit_ood(both[:, D:])
        st = {"mu": torch.from_numpy(mu).half(), "whiten": torch.from_numpy(W).half(),
              "mu_low": torch.from_numpy(mu_l).half(), "whiten_low": torch.from_numpy(W_l).half()}
        torch.save(st, pipeline.ood_path(n))
        members[n] = pipeline.load_export_member(n)
        log("ood stats", n, both.shape)
    vae = pipeline.load_vae()
    # ---- 2. val outputs + gate features of val X-rays
    sat_val = np.array([saturation(decode_rgb8(os.path.join(a.data, p))) for p in d["path"][va]])
    feats_val, outs_val = compute_features(d["X"][va], sat_val, members, vae)
    P = {n: outs_val[n]["probabilities"] for n in names}
    mf = {n: FINDINGS for n in names}
    # ---- 3. ensemble weights per finding
    weights, member_auc = ensemble_weights(P, Yva, Sva)
    E = pipeline.ensemble(P, mf, weights)
    # ---- 4. thresholds, AUC + CI, report flags
    findings_meta = []
    for j, f in enumerate(FINDINGS):
        pm, pdesc = population(f, Yva, Sva)
        y, s = Yva[pm, j] == 1, E[pm, j]
        a_, lo, hi = delong_ci(y, s)
        yd = youden(y, s) if y.sum() and (~y).sum() else {"threshold": 0.5, "sensitivity": float("nan"), "specificity": float("nan")}
        meta = {"code": f, "label": FINDING_LABELS[j], "threshold": round(yd["threshold"], 6)}
        val = {"auc": a_, "aucLow": lo, "aucHigh": hi, "positives": int(y.sum()), "negatives": int((~y).sum()),
               "sensitivity": yd["sensitivity"], "specificity": yd["specificity"], "population": pdesc}
        wm, wdesc = within_source(f, Yva, Sva)
        ok = val["positives"] >= 20 and not np.isnan(lo) and lo >= 0.70
        if wm is not None:
            yw, sw = Yva[wm, j] == 1, E[wm, j]
            wa, wl, wh = delong_ci(yw, sw)
            val["withinSource"] = {"population": wdesc, "auc": wa, "aucLow": wl, "aucHigh": wh,
                                   "positives": int(yw.sum()), "negatives": int((~yw).sum())}
            if yw.sum() >= 10 and (~yw).sum() >= 10:
                ok = ok and wa >= 0.70
        meta["reported"] = bool(ok)
        meta["reportRule"] = REPORT_RULE
        if f in SUBTYPE_OF:
            meta["subtypeOf"] = SUBTYPE_OF[f]
            meta["conditional"] = True
        if f == NORMAL_FINDING:
            meta["normal"] = True
        meta["val"] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in val.items()}
        if "withinSource" in meta["val"]:
            meta["val"]["withinSource"] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in val["withinSource"].items()}
        findings_meta.append(meta)
        log(f"{f:20s} auc {a_:.4f} [{lo:.3f},{hi:.3f}] pos {val['positives']:4d} thr {yd['threshold']:.3f} "
            f"within {val.get('withinSource', {}).get('auc', float('nan')):.3f} reported {ok}")
    # ---- 5. VAE reference (val normals)
    nf = Yva[:, FINDINGS.index("no_finding")] == 1
    ref = {"count": int(nf.sum())}
    for k in ("mse", "kl", "negElbo"):
        ref[k] = [float(v) for v in np.percentile(feats_val["anomaly." + k][nf], np.arange(101))]
    # ---- 6. gate calibration on val X-rays, checked on OOD images
    ood_items = ood.folder(os.path.join(a.ood, "images"))
    gen_cal = ood.generated(seed=1)
    gen_hold = ood.generated(seed=2)
    sets = {}
    for key, items in (("ood31", ood_items), ("generated_calib", gen_cal), ("generated_holdout", gen_hold)):
        G, S, nm = load_images(items)
        fe, _ = compute_features(G, S, members, vae)
        sets[key] = (fe, nm)
    best = None
    for q in np.concatenate([np.arange(0.990, 0.9999, 0.0005), [0.9999, 1.0]]):
        rules = gate_rules(feats_val, q, names)
        rate = reject_mask(feats_val, rules)[0].mean()
        if rate <= GATE_VAL_TARGET:
            best = (q, rules, rate); break
    q, rules, rate = best
    rules = with_reasons(rules)
    # honest estimate: bounds from one half of val (same q), rate on the other half
    halves = np.random.default_rng(9).permutation(len(va)) % 2
    cross = []
    for h in (0, 1):
        fa = {k: v[halves == h] for k, v in feats_val.items()}
        fb = {k: v[halves != h] for k, v in feats_val.items()}
        cross.append(float(reject_mask(fb, gate_rules(fa, q, names))[0].mean()))
    gate_report = {"quantile": float(q), "valRejectRate": float(rate), "valCount": len(va),
                   "twoFoldValRejectRate": float(np.mean(cross))}
    for key, (fe, nm) in sets.items():
        rej, first = reject_mask(fe, rules)
        gate_report[key] = {"count": len(nm), "rejected": int(rej.sum()),
                            "accepted": [n for n, r in zip(nm, rej) if not r]}
        log("gate", key, f"{rej.sum()}/{len(nm)} rejected; accepted: {gate_report[key]['accepted']}")
    log(f"gate q={q:.4f} val rejection {rate:.4f}")
    # uncertainty rule
    gate = {"rules": rules,
            "uncertainty": {"margin": UNCERTAINTY_MARGIN,
                            "reason": "The models are too unsure about every finding to give a useful answer.",
                            "suggestion": "Check the image quality and view (frontal PA/AP), or ask a radiologist."}}
    unc = np.array([pipeline.gate_decide({k: v[i] for k, v in feats_val.items()}, {"rules": [], "uncertainty": gate["uncertainty"]},
                                         E[i], findings_meta)["rejected"] for i in range(len(va))])
    rej_all = reject_mask(feats_val, rules)[0] | unc
    gate["calibration"] = {
        "method": f"one-class bounds: each feature bounded at the {q:.4f} quantile (upper) / {1 - q:.4f} quantile (lower) "
                  f"of the {len(va)} val X-rays, q the smallest value keeping the union below {GATE_VAL_TARGET:.1%}; "
                  f"input.saturation bounded by a fixed {SAT_MAX} (all val X-rays are grey: 0). Mahalanobis statistics "
                  "of each member's embedding fitted on the train split.",
        "quantile": float(q), "valRejectRate": float(rej_all.mean()), "valRejectRateRulesOnly": float(rate),
        "twoFoldValRejectRate": gate_report["twoFoldValRejectRate"], "uncertaintyRejectRate": float(unc.mean()),
        **{k: {kk: vv for kk, vv in v.items()} for k, v in gate_report.items() if isinstance(v, dict)}}
    # ---- 7. ONNX export
    sizes = {}
    os.makedirs(os.path.join(MODELS, "members"), exist_ok=True); os.makedirs(os.path.join(MODELS, "anomaly"), exist_ok=True)
    member_entries = []
    for n in names:
        path = os.path.join(MODELS, "members", MEMBERS[n]["file"] + ".onnx")
        x = torch.zeros(1, 1, 128, 128)
        torch.onnx.export(members[n], x, path, opset_version=14, input_names=["image"],
                          output_names=pipeline.OUTPUTS,
                          dynamic_axes={"image": {0: "N"}, **{o: {0: "N"} for o in pipeline.OUTPUTS}})
        onnx.checker.check_model(onnx.load(path))
        sizes[path] = os.path.getsize(path)
        member_entries.append({
            "name": n, "architecture": MEMBERS[n]["architecture"],
            "file": f"members/{MEMBERS[n]['file']}.onnx", "findings": FINDINGS,
            "weights": {f: weights[n][f] for f in FINDINGS if weights[n][f] > 0},
            "input": MEMBERS[n]["input"],
            "outputs": {"probabilities": "probabilities", "cam": "cam", "embedding": "embedding",
                        "scalars": {sc: sc for sc in pipeline.SCALARS}},
            "camSize": [8, 8], "embeddingSize": int(members[n].fc.in_features)})
    vpath = os.path.join(MODELS, "anomaly", "vae.onnx")
    torch.onnx.export(vae, torch.zeros(1, 1, 128, 128), vpath, opset_version=14, input_names=["image"],
                      output_names=["reconstruction", "mu", "logvar"],
                      dynamic_axes={"image": {0: "N"}, "reconstruction": {0: "N"}, "mu": {0: "N"}, "logvar": {0: "N"}})
    onnx.checker.check_model(onnx.load(vpath))
    sizes[vpath] = os.path.getsize(vpath)
    log("onnx sizes MB", {os.path.basename(k): round(v / 1e6, 2) for k, v in sizes.items()}, "total", round(sum(sizes.values()) / 1e6, 2))
    manifest = {
        "name": "chestlens-default", "version": VERSION, "created": datetime.date.today().isoformat(),
        "disclaimer": "Decision support for education and research, not a medical diagnosis.",
        "findings": findings_meta,
        "members": member_entries,
        "similarity": {"member": "tiny-darknet"},
        "anomaly": {"name": "vae", "file": "anomaly/vae.onnx", "input": train_vae.VAE_INPUT,
                    "outputs": {"reconstruction": "reconstruction", "mu": "mu", "logvar": "logvar"},
                    "negElboMseWeight": train_vae.NEG_ELBO_MSE_WEIGHT, "reference": ref},
        "gate": gate,
    }
    save_json(os.path.join(MODELS, "manifest.json"), manifest)
    np.savez(os.path.join(CACHE, "release_val.npz"), E=E, **{f"P_{n}": P[n] for n in names},
             **{f"feat_{k}": v for k, v in feats_val.items()})
    save_json(os.path.join(CACHE, "release_info.json"), {"member_auc": member_auc, "gate": gate_report,
                                                          "sizes": {os.path.relpath(k, MODELS): v for k, v in sizes.items()},
                                                          "seconds": time.time() - t0})
    log("manifest written; build_release took", round(time.time() - t0), "s")


if __name__ == "__main__":
    main()
