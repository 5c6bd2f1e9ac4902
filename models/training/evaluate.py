"""Recompute every metric of the model card from the saved models (training/weights/*.pt, the same networks
as the ONNX graphs) and models/manifest.json on the val split; write models/metrics.json and print the
markdown tables of the card.
Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/evaluate.py --data ../shared/data/cxr --ood ../shared/data/ood
"""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import argparse, json, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEFAULT_DATA, DEFAULT_OOD, FINDINGS, FINDING_LABELS, MODELS, NIH5, SUBTYPE_OF, load_json, save_json, setup_torch, log
import cache_data, pipeline, ood
from build_release import compute_features, load_images, population, within_source, reject_mask, NIH_FINDINGS
from metrics import auc, delong_ci, sens_spec, brier, reliability
from preprocess import decode_rgb8, saturation
from PIL import Image, ImageOps

TWO_SIDED = {"input.greyStd", "input.edgeMean", "anomaly.mse", "anomaly.kl", "anomaly.negElbo"}
SOURCES = {"kermany": ["kermany"], "covid": ["covid"], "nih": ["nih", "nih128"]}


def ci(y, s):
    y = np.asarray(y, bool)
    if y.sum() == 0 or (~y).sum() == 0:
        return None
    a, lo, hi = delong_ci(y, s)
    return {"auc": round(a, 4), "lo": round(lo, 4), "hi": round(hi, 4), "pos": int(y.sum()), "neg": int((~y).sum())}


def nih5_mean_ci(Y, E, reps=2000, seed=5):
    """Percentile bootstrap 95% CI of the mean of the five NIH AUCs (Y, E: the NIH val images). The five AUCs share
    their images, so no per-finding CI combines into one for the mean; resampling the images keeps that overlap."""
    j = FINDINGS.index
    rng = np.random.default_rng(seed)
    means = []
    for _ in range(reps):
        i = rng.integers(0, len(Y), len(Y))
        y, e = Y[i], E[i]
        means.append(np.mean([auc(y[y[:, j(f)] >= 0, j(f)] == 1, e[y[:, j(f)] >= 0, j(f)]) for f in NIH5]))
    lo, hi = np.percentile(means, [2.5, 97.5])
    return {"lo": round(float(lo), 4), "hi": round(float(hi), 4), "reps": reps, "method": "percentile bootstrap over NIH val images"}


def fmt(c):
    return "n/a" if c is None else f"{c['auc']:.3f} [{c['lo']:.3f}-{c['hi']:.3f}]"


def main():
    setup_torch()
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--ood", default=DEFAULT_OOD)
    ap.add_argument("--no-bench", action="store_true")
    a = ap.parse_args()
    cache_data.build(a.data)
    man = load_json(os.path.join(MODELS, "manifest.json"))
    d = cache_data.load()
    va = np.where(d["split"] == "val")[0]
    Y, S = d["Y"][va].astype(int), d["source"][va]
    names = [m["name"] for m in man["members"]]
    members = {n: pipeline.load_export_member(n) for n in names}
    vae = pipeline.load_vae()
    sat = np.array([saturation(decode_rgb8(os.path.join(a.data, p))) for p in d["path"][va]])
    feats, outs = compute_features(d["X"][va], sat, members, vae)
    P = {n: outs[n]["probabilities"] for n in names}
    weights = {m["name"]: m["weights"] for m in man["members"]}
    E = pipeline.ensemble(P, {n: FINDINGS for n in names}, weights)
    fm = {f["code"]: f for f in man["findings"]}
    M = {"findings": {}, "members": {}, "ensemble": {}}
    # ---- per finding: population AUC (ensemble + members), pooled, per source, within source, thresholds
    for j, f in enumerate(FINDINGS):
        pm, pdesc = population(f, Y, S)
        lab = pm if f in SUBTYPE_OF else Y[:, j] >= 0      # sub-types: P(sub-type | parent), only where the parent is
        row = {"population": pdesc, "ensemble": ci(Y[pm, j] == 1, E[pm, j]),
               "members": {n: ci(Y[pm, j] == 1, P[n][pm, j]) for n in names},
               "pooled": ci(Y[lab, j] == 1, E[lab, j]),
               "perSource": {k: ci(Y[lab & np.isin(S, v), j] == 1, E[lab & np.isin(S, v), j]) for k, v in SOURCES.items()}}
        wm, wdesc = within_source(f, Y, S)
        if wm is not None:
            row["withinSource"] = {"population": wdesc, "ensemble": ci(Y[wm, j] == 1, E[wm, j]),
                                   "members": {n: ci(Y[wm, j] == 1, P[n][wm, j]) for n in names}}
        t = fm[f]["threshold"]
        se, sp = sens_spec(Y[pm, j] == 1, E[pm, j], t)
        row["threshold"] = {"value": t, "sensitivity": round(se, 4), "specificity": round(sp, 4), "reported": fm[f]["reported"]}
        row["brier"] = round(brier(Y[pm, j] == 1, E[pm, j]), 4) if pm.sum() else None
        M["findings"][f] = row
    # ---- headline targets
    j = FINDINGS.index
    ker = S == "kermany"
    nih = np.isin(S, ["nih", "nih128"])
    pn = (Y[:, j("pneumonia")] == 1) & (Y[:, j("viral_pneumonia")] >= 0)
    pnk = pn & ker
    cov = (S == "covid") & (Y[:, j("covid_19")] >= 0)

    def ratio(PP):   # secondary score using both heads: p_viral / (p_viral + p_bacterial)
        return PP[:, j("viral_pneumonia")] / (PP[:, j("viral_pneumonia")] + PP[:, j("bacterial_pneumonia")] + 1e-12)

    def block(PP):
        return {"pneumonia_kermany": ci(Y[ker, j("pneumonia")] == 1, PP[ker, j("pneumonia")]),
                "covid_19_overall": ci(Y[Y[:, j("covid_19")] >= 0, j("covid_19")] == 1, PP[Y[:, j("covid_19")] >= 0, j("covid_19")]),
                "covid_19_within_covid_source": ci(Y[cov, j("covid_19")] == 1, PP[cov, j("covid_19")]),
                "viral_vs_bacterial_within_pneumonia": ci(Y[pn, j("viral_pneumonia")] == 1, PP[pn, j("viral_pneumonia")]),
                "viral_vs_bacterial_within_kermany_pneumonia": ci(Y[pnk, j("viral_pneumonia")] == 1, PP[pnk, j("viral_pneumonia")]),
                "viral_vs_bacterial_within_pneumonia_ratio_score": ci(Y[pn, j("viral_pneumonia")] == 1, ratio(PP)[pn]),
                "nih5": {f: ci(Y[nih & (Y[:, j(f)] >= 0), j(f)] == 1, PP[nih & (Y[:, j(f)] >= 0), j(f)]) for f in NIH5}}
    targets = {"ensemble": block(E), **{n: block(P[n]) for n in names}}
    for k, b in targets.items():
        b["nih5_mean"] = round(float(np.mean([b["nih5"][f]["auc"] for f in NIH5])), 4)
    targets["ensemble"]["nih5_mean_ci"] = nih5_mean_ci(Y[nih], E[nih])
    M["targets"] = targets
    # ---- calibration: Brier + reliability over the reported findings (their populations) pooled
    ys, ps = [], []
    for jj, f in enumerate(FINDINGS):
        if fm[f]["reported"]:
            pm, _ = population(f, Y, S)
            ys.append(Y[pm, jj] == 1); ps.append(E[pm, jj])
    ys, ps = np.concatenate(ys), np.concatenate(ps)
    rel, ece = reliability(ys, ps)
    M["calibration"] = {"brier_reported_pooled": round(brier(ys, ps), 4), "ece": round(ece, 4), "reliability": rel}
    # ---- VAE
    nf = Y[:, j("no_finding")]
    lab = nf >= 0
    M["vae"] = {"normal_vs_abnormal": {k: ci(nf[lab] == 0, feats["anomaly." + k][lab]) for k in ("mse", "kl", "negElbo")},
                "normal_vs_abnormal_nih": {k: ci(nf[lab & nih] == 0, feats["anomaly." + k][lab & nih]) for k in ("mse", "kl", "negElbo")}}
    # ---- OOD sets + gate
    sets = {"ood31": ood.folder(os.path.join(a.ood, "images")), "generated_calib": ood.generated(seed=1),
            "generated_holdout": ood.generated(seed=2) + ood.generated(seed=3) + ood.generated(seed=4)}
    # transformed val X-rays (reported only; not part of the refusal target)
    rng = np.random.default_rng(3)
    pick = rng.choice(va, 60, replace=False)
    trans = []
    for i in pick:
        im = Image.open(os.path.join(a.data, d["path"][i])).convert("L")
        trans += [("inverted-" + d["path"][i], ImageOps.invert(im)), ("rot90-" + d["path"][i], im.rotate(90, expand=True)),
                  ("upside-down-" + d["path"][i], im.rotate(180))]
    sets["transformed_val_xrays"] = trans
    rules = man["gate"]["rules"]
    rej_val, first_val = reject_mask(feats, rules)
    unc = np.array([pipeline.gate_decide({}, {"rules": [], "uncertainty": man["gate"]["uncertainty"]}, E[i], man["findings"])["rejected"]
                    for i in range(len(va))])
    G = {"val": {"count": len(va), "rejected": int((rej_val | unc).sum()), "rate": round(float((rej_val | unc).mean()), 4),
                 "byRule": {r["feature"]: int((first_val == r["feature"]).sum()) for r in rules},
                 "uncertainty": int((unc & ~rej_val).sum()),
                 "bySource": {k: round(float((rej_val | unc)[np.isin(S, v)].mean()), 4) for k, v in SOURCES.items()}}}
    xray_scores = {k: feats[k] for k in feats}
    neg_feats = []
    for key, items in sets.items():
        Gm, Sm, nm = load_images(items)
        fe, _ = compute_features(Gm, Sm, members, vae)
        rej, first = reject_mask(fe, rules)
        G[key] = {"count": len(nm), "rejected": int(rej.sum()), "rate": round(float(rej.mean()), 4),
                  "accepted": [n for n, r in zip(nm, rej) if not r],
                  "byRule": {r["feature"]: int((first == r["feature"]).sum()) for r in rules}}
        if key != "transformed_val_xrays":
            neg_feats.append(fe)
        else:
            kinds = np.array([n.split("-images/")[0] for n in nm])
            G[key]["byKind"] = {k: round(float(rej[kinds == k].mean()), 4) for k in sorted(set(kinds))}
            G[key]["accepted"] = []      # dataset file names are not listed
    M["gate"] = G
    # AUROC X-ray vs not-X-ray per score (val X-rays vs ood31 + generated)
    neg = {k: np.concatenate([fe[k] for fe in neg_feats]) for k in feats}
    xr = {}
    for k in feats:
        s = np.concatenate([feats[k], neg[k]]); y = np.r_[np.zeros(len(feats[k])), np.ones(len(neg[k]))]
        a_ = auc(y, s)
        xr[k] = round(max(a_, 1 - a_), 4) if k in TWO_SIDED else round(a_, 4)
    M["xray_vs_not"] = {"negatives": int(len(neg["anomaly.mse"])), "positives": len(va), "auroc": xr,
                        "note": "features with two-sided gate bounds (" + ", ".join(sorted(TWO_SIDED)) + "): max(AUC, 1-AUC) shown"}
    # ---- sizes + torch timing
    sizes = {m["file"]: os.path.getsize(os.path.join(MODELS, m["file"])) for m in man["members"]}
    sizes[man["anomaly"]["file"]] = os.path.getsize(os.path.join(MODELS, man["anomaly"]["file"]))
    M["onnx_bytes"] = sizes; M["onnx_total_mb"] = round(sum(sizes.values()) / 1e6, 2)
    if not a.no_bench:
        import torch_bench
        M["torch_bench"] = torch_bench.bench(100)
    save_json(os.path.join(MODELS, "metrics.json"), M)
    print_tables(M, names)


def print_tables(M, names):
    print("\n### Targets (val)\n")
    print("| metric | target | ensemble | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    T = M["targets"]
    rows = [("Pneumonia AUC, kermany images", ">= 0.98", "pneumonia_kermany"),
            ("COVID-19 AUC, overall", ">= 0.97", "covid_19_overall"),
            ("COVID-19 vs other pneumonias, covid source", "(report)", "covid_19_within_covid_source"),
            ("viral vs bacterial, within pneumonia (all sources)", ">= 0.85", "viral_vs_bacterial_within_pneumonia"),
            ("viral vs bacterial, kermany pneumonia only", "(report)", "viral_vs_bacterial_within_kermany_pneumonia")]
    for lab, tgt, k in rows:
        print(f"| {lab} | {tgt} | {fmt(T['ensemble'][k])} | " + " | ".join(fmt(T[n][k]) for n in names) + " |")
    for f in NIH5:
        print(f"| {f}, NIH images | | {fmt(T['ensemble']['nih5'][f])} | " + " | ".join(fmt(T[n]['nih5'][f]) for n in names) + " |")
    print(f"| mean of the five, NIH images | >= 0.83 | {T['ensemble']['nih5_mean']:.3f} | " + " | ".join(f"{T[n]['nih5_mean']:.3f}" for n in names) + " |")
    print("\n### Per finding (val; population as stated)\n")
    print("| finding | population | pos/neg | ensemble AUC [95% CI] | " + " | ".join(names) + " | threshold | sens | spec | Brier | reported |")
    print("|---|---|---|---|" + "---|" * len(names) + "---|---|---|---|---|")
    for f, r in M["findings"].items():
        e = r["ensemble"]
        pop = "nih" if r["population"].startswith("val images of sources nih") else "all"
        pn = f"{e['pos']}/{e['neg']}" if e else "n/a"
        t = r["threshold"]
        print(f"| {f} | {pop} | {pn} | {fmt(e)} | " + " | ".join(fmt(r['members'][n]) for n in names) +
              f" | {t['value']:.3f} | {t['sensitivity']:.3f} | {t['specificity']:.3f} | {r['brier']} | {'yes' if t['reported'] else 'no'} |")
    print("\n### Per source (ensemble AUC, all val images labelled for the finding)\n")
    print("| finding | pooled | kermany | covid | nih (+nih128) | within-source check |")
    print("|---|---|---|---|---|---|")
    for f, r in M["findings"].items():
        w = r.get("withinSource")
        ws = f"{w['population']}: {fmt(w['ensemble'])} ({w['ensemble']['pos']}/{w['ensemble']['neg']})" if w and w["ensemble"] else ""
        print(f"| {f} | {fmt(r['pooled'])} | {fmt(r['perSource']['kermany'])} | {fmt(r['perSource']['covid'])} | {fmt(r['perSource']['nih'])} | {ws} |")
    c = M["calibration"]
    print(f"\n### Calibration (reported findings pooled): Brier {c['brier_reported_pooled']}, ECE {c['ece']}\n")
    print("| predicted bin | n | mean predicted | observed |")
    print("|---|---|---|---|")
    for b in c["reliability"]:
        print(f"| {b['bin'][0]:.1f}-{b['bin'][1]:.1f} | {b['n']} | {b['meanPredicted']:.3f} | {b['observed']:.3f} |")
    print("\n### VAE\n")
    for k, v in M["vae"]["normal_vs_abnormal"].items():
        print(f"- normal vs abnormal ({k}), all val: {fmt(v)}; NIH only: {fmt(M['vae']['normal_vs_abnormal_nih'][k])}")
    x = M["xray_vs_not"]
    print(f"- X-ray ({x['positives']}) vs not-X-ray ({x['negatives']}) AUROC: " + ", ".join(f"{k} {v}" for k, v in x["auroc"].items()))
    print("\n### Gate\n")
    print("| set | images | refused | rate | accepted (should be refused) |")
    print("|---|---|---|---|---|")
    for k, g in M["gate"].items():
        acc = ", ".join(g.get("accepted", [])[:12]) + (" ..." if len(g.get("accepted", [])) > 12 else "")
        print(f"| {k} | {g['count']} | {g['rejected']} | {g['rate']:.4f} | {acc if k != 'val' else 'by source: ' + json.dumps(g['bySource'])} |")
    print(f"\nONNX total {M['onnx_total_mb']} MB: " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in M["onnx_bytes"].items()))
    if "torch_bench" in M:
        print("torch eager batch 1: " + json.dumps(M["torch_bench"]["networks"]) + " total " + json.dumps(M["torch_bench"]["total_members_plus_vae"]))


if __name__ == "__main__":
    main()
