"""Per-finding numbers users need to read a result, computed from the released networks (training/weights/*.pt,
the same networks as the ONNX graphs) on the val split, each finding on its evaluation population (as its
threshold). Nothing is refitted: the probabilities and thresholds stay as they are.

- Decisions at the threshold (`p >= threshold`): sensitivity, specificity, positive and negative predictive value,
  prevalence, with counts and Wilson 95% intervals.
- Calibration: reliability (10 equal-width bins), expected calibration error (ECE: the bins' |mean predicted -
  observed| weighted by their share of images), mean probability against prevalence, Brier score.
- Heatmap scale: the ensemble class activation map (8 x 8 cells, logit units) of val images without the finding
  gives `low` = its 95th percentile (coloured only where the evidence is stronger than in 95% of the regions of
  X-rays without the finding); val images with it give `high` = the 99th percentile of their cells (full colour).

Writes, into models/manifest.json, per finding `val.ppv`, `val.npv`, `val.prevalence`, `calibration` and
`heatmap` (MANIFEST.md), keeping everything else byte for byte; models/calibration.json (every number and the
reliability bins, read by make_card.py); models/figures/reliability.svg (reliability diagrams of the reported
findings). train_all.py runs it after build_release.py.

Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/finding_stats.py --data ../shared/data/cxr
"""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# As train_all.py: without these glibc returns large freed tensors to the kernel after every batch.
os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(16 << 30))
os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", str(16 << 30))
os.environ.setdefault("MALLOC_TOP_PAD_", str(1 << 30))
import argparse, math, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import DEFAULT_DATA, FINDINGS, MODELS, load_json, save_json, setup_torch, log
import cache_data, pipeline
from build_release import population
from metrics import brier, reliability

BINS = 10
LOW_PERCENTILE = 95     # of the CAM cells of val images without the finding
HIGH_PERCENTILE = 99    # of the CAM cells of val images with it


def wilson(k, n, z=1.959964):
    """Wilson score 95% interval of a proportion k / n (None when n = 0)."""
    if n == 0:
        return None
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return [round(max(0.0, c - h), 4), round(min(1.0, c + h), 4)]


def ratio(k, n):
    return round(k / n, 4) if n else None


def val_outputs(man):
    """Ensemble probabilities (N, F) and CAMs (N, F, 8, 8) of the val images, labels, sources."""
    d = cache_data.load()
    va = np.where(d["split"] == "val")[0]
    X = d["X"][va]
    names = [m["name"] for m in man["members"]]
    probs, cams = {}, {}
    for m in man["members"]:
        out = pipeline.run_member(pipeline.load_export_member(m["name"]), pipeline.tensor_batch(X, m["input"]))
        probs[m["name"]], cams[m["name"]] = out["probabilities"], out["cam"]
    weights = {m["name"]: m["weights"] for m in man["members"]}
    E = pipeline.ensemble(probs, {n: FINDINGS for n in names}, weights)
    C = pipeline.ensemble_cam(cams, {n: FINDINGS for n in names}, weights)
    return E, C, d["Y"][va].astype(int), d["source"][va]


def stats(man, E, C, Y, S):
    out = {}
    for f in man["findings"]:
        j = FINDINGS.index(f["code"])
        pm, pdesc = population(f["code"], Y, S)
        y = Y[pm, j] == 1
        p = E[pm, j]
        called = p >= f["threshold"]
        tp, fp = int((called & y).sum()), int((called & ~y).sum())
        fn, tn = int((~called & y).sum()), int((~called & ~y).sum())
        pos, neg = tp + fn, fp + tn
        rel, ece = reliability(y, p, BINS)
        cells = C[pm, j].reshape(int(pm.sum()), -1)
        row = {"population": pdesc, "threshold": f["threshold"], "reported": f["reported"],
               "counts": {"tp": tp, "fp": fp, "tn": tn, "fn": fn},
               "sensitivity": ratio(tp, pos), "sensitivityCi": wilson(tp, pos),
               "specificity": ratio(tn, neg), "specificityCi": wilson(tn, neg),
               "ppv": ratio(tp, tp + fp), "ppvCi": wilson(tp, tp + fp),
               "npv": ratio(tn, tn + fn), "npvCi": wilson(tn, tn + fn),
               "prevalence": ratio(pos, pos + neg),
               "calibration": {"ece": round(ece, 4), "bins": BINS, "meanProbability": round(float(p.mean()), 4),
                               "prevalence": ratio(pos, pos + neg), "brier": round(brier(y, p), 4), "images": int(pm.sum()),
                               "reliability": [{"bin": b["bin"], "n": b["n"], "meanPredicted": round(b["meanPredicted"], 4),
                                                "observed": round(b["observed"], 4)} for b in rel]}}
        if pos and neg:
            low = float(np.percentile(cells[~y], LOW_PERCENTILE))
            high = float(np.percentile(cells[y], HIGH_PERCENTILE))
            if high <= low:     # a finding whose positives never look stronger than its negatives: one logit of range
                high = low + 1.0
            row["heatmap"] = {"low": round(low, 4), "high": round(high, 4), "negatives": neg, "positives": pos}
        out[f["code"]] = row
    return out


def update_manifest(man, S):
    for f in man["findings"]:
        s = S[f["code"]]
        f["val"]["ppv"] = s["ppv"]
        f["val"]["npv"] = s["npv"]
        f["val"]["prevalence"] = s["prevalence"]
        c = s["calibration"]
        f["calibration"] = {"ece": c["ece"], "bins": c["bins"], "meanProbability": c["meanProbability"], "brier": c["brier"]}
        if "heatmap" in s:
            f["heatmap"] = s["heatmap"]
        else:
            f.pop("heatmap", None)


def svg_reliability(man, S, path):
    """Reliability diagrams of the reported findings: observed frequency against mean probability per bin."""
    rep = [f for f in man["findings"] if f["reported"]]
    cols, size, pad, top = 4, 190, 60, 40
    rows = (len(rep) + cols - 1) // cols
    width, height = cols * (size + pad) + pad, rows * (size + pad + top) + 40
    e = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
         f'font-family="sans-serif" font-size="11">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{pad}" y="20" font-size="13">Reliability on val (10 bins): observed frequency (y) against mean '
         f'probability (x); dot area ~ images in the bin (hollow: fewer than 10); dashed: the threshold</text>']
    for k, f in enumerate(rep):
        s = S[f["code"]]; c = s["calibration"]
        x0 = pad + (k % cols) * (size + pad)
        y0 = 40 + (k // cols) * (size + pad + top) + top
        X = lambda v: x0 + v * size
        Yp = lambda v: y0 + size - v * size
        e.append(f'<text x="{x0}" y="{y0 - 18}" font-size="12" font-weight="bold">{f["label"]}</text>')
        e.append(f'<text x="{x0}" y="{y0 - 5}" font-size="10">ECE {c["ece"]:.3f}, mean p {c["meanProbability"]:.3f}, '
                 f'prevalence {c["prevalence"]:.3f}</text>')
        e.append(f'<rect x="{x0}" y="{y0}" width="{size}" height="{size}" fill="none" stroke="#999"/>')
        for t in (0.25, 0.5, 0.75):
            e.append(f'<line x1="{X(t)}" y1="{y0}" x2="{X(t)}" y2="{y0 + size}" stroke="#eee"/>')
            e.append(f'<line x1="{x0}" y1="{Yp(t)}" x2="{x0 + size}" y2="{Yp(t)}" stroke="#eee"/>')
        e.append(f'<line x1="{X(0)}" y1="{Yp(0)}" x2="{X(1)}" y2="{Yp(1)}" stroke="#888" stroke-width="1"/>')
        e.append(f'<line x1="{X(f["threshold"])}" y1="{y0}" x2="{X(f["threshold"])}" y2="{y0 + size}" '
                 f'stroke="#c0392b" stroke-dasharray="4 3"/>')
        pts = [(b["meanPredicted"], b["observed"], b["n"]) for b in c["reliability"]]
        e.append('<polyline fill="none" stroke="#1a6b80" stroke-width="1.5" points="'
                 + " ".join(f"{X(a):.1f},{Yp(o):.1f}" for a, o, _ in pts) + '"/>')
        total = sum(n for _, _, n in pts)
        for a, o, n in pts:
            r = 2 + 9 * math.sqrt(n / total)
            few = n < 10     # hollow: too few images for the bin's frequency to mean much
            e.append(f'<circle cx="{X(a):.1f}" cy="{Yp(o):.1f}" r="{r:.1f}" fill="{"white" if few else "#1a6b80"}" '
                     f'fill-opacity="{1 if few else 0.6}" stroke="#1a6b80"/>')
        for t in (0, 0.5, 1):
            e.append(f'<text x="{X(t)}" y="{y0 + size + 13}" text-anchor="middle">{t:g}</text>')
            e.append(f'<text x="{x0 - 4}" y="{Yp(t) + 4}" text-anchor="end">{t:g}</text>')
    e.append("</svg>")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write("\n".join(e) + "\n")


def main():
    setup_torch()
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--svg-only", action="store_true", help="redraw the reliability diagrams from models/calibration.json")
    a = ap.parse_args()
    path = os.path.join(MODELS, "manifest.json")
    man = load_json(path)
    if a.svg_only:
        svg_reliability(man, load_json(os.path.join(MODELS, "calibration.json"))["findings"],
                        os.path.join(MODELS, "figures", "reliability.svg"))
        return
    cache_data.build(a.data)
    log("running the members on val")
    E, C, Y, S = val_outputs(man)
    st = stats(man, E, C, Y, S)
    update_manifest(man, st)
    save_json(path, man)
    save_json(os.path.join(MODELS, "calibration.json"), {
        "note": "val split, each finding on its evaluation population; decisions are p >= threshold (thresholds chosen "
                "on the same images, so sensitivity, specificity and predictive values are optimistic); written by "
                "models/training/finding_stats.py",
        "heatmapRule": f"low = {LOW_PERCENTILE}th percentile of the ensemble CAM cells of val images without the "
                       f"finding, high = {HIGH_PERCENTILE}th percentile of those of val images with it",
        "findings": st})
    svg_reliability(man, st, os.path.join(MODELS, "figures", "reliability.svg"))
    print("| finding | reported | n | prevalence | mean p | ECE | sens | spec | PPV [95% CI] | NPV | heatmap low / high |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for code, s in st.items():
        c = s["calibration"]; h = s.get("heatmap")
        ci = s["ppvCi"]
        print(f"| {code} | {'yes' if s['reported'] else 'no'} | {c['images']} | {s['prevalence']} | {c['meanProbability']} | "
              f"{c['ece']} | {s['sensitivity']} | {s['specificity']} | {s['ppv']}" + (f" [{ci[0]}-{ci[1]}]" if ci else "")
              + f" | {s['npv']} | " + (f"{h['low']} / {h['high']}" if h else "n/a") + " |")


if __name__ == "__main__":
    main()
