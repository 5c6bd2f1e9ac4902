"""Exploratory, not part of the release: do more members of the same architectures (other seeds, same recipe) raise
the two targets the ensemble misses? Scores on val the release ensemble and the release plus extra members, with
the release's weighting rule (build_release.ensemble_weights, fitted on val like the release).
Extra members are trained with train_members.py --seed into their own CHESTLENS_WEIGHTS folder. Usage:
  CHESTLENS_THREADS=2 /usr/bin/python3 models/training/experiments/seeds.py \
      --extra tiny-darknet=/work/exp/seeds/w21/tiny_darknet.pt --extra mobilenetv2=/work/exp/seeds/w22/mobilenetv2.pt
after, for each extra member (here seeds 21 and 22; 49 and 42 min on one core each, run side by side):
  CHESTLENS_WEIGHTS=/work/exp/seeds/w21 CHESTLENS_CACHE=<a folder with links to the cache> CHESTLENS_THREADS=1 \
      /usr/bin/python3 models/training/train_members.py --member tiny-darknet --seed 21

Result (2026-12-02), val:
| members | viral vs bacterial within pneumonia | same, Kermany | NIH five mean | Atel. / Cardiom. / Consol. / Edema / Effus. | COVID-19 |
|---|---|---|---|---|---|
| tiny-darknet alone | 0.8368 | 0.8000 | 0.7752 | 0.712 / 0.803 / 0.723 / 0.820 / 0.818 | 0.9783 |
| mobilenetv2 alone | 0.8237 | 0.7861 | 0.7953 | 0.743 / 0.813 / 0.751 / 0.849 / 0.821 | 0.9724 |
| resnet-small alone | 0.8003 | 0.7515 | 0.7294 | 0.695 / 0.610 / 0.724 / 0.827 / 0.791 | 0.9669 |
| tiny-darknet#2 alone (seed 21) | 0.8267 | 0.7879 | 0.7809 | 0.736 / 0.805 / 0.732 / 0.815 / 0.817 | 0.9716 |
| mobilenetv2#3 alone (seed 22) | 0.8220 | 0.7832 | 0.7697 | 0.741 / 0.747 / 0.704 / 0.838 / 0.818 | 0.9675 |
| release (3) | 0.8330 | 0.7947 | 0.7956 | 0.737 / 0.827 / 0.747 / 0.842 / 0.825 | 0.9795 |
| release + tiny-darknet#2 | 0.8330 | 0.7949 | 0.7960 | 0.739 / 0.831 / 0.745 / 0.840 / 0.825 | 0.9794 |
| release + mobilenetv2#3 | 0.8336 | 0.7962 | 0.7957 | 0.742 / 0.820 / 0.741 / 0.846 / 0.829 | 0.9795 |
| all (5) | 0.8336 | 0.7960 | 0.7968 | 0.743 / 0.826 / 0.741 / 0.845 / 0.828 | 0.9795 |
The release row reproduces the manifest's numbers (0.8330, 0.7956). Extra members of the same kinds add nothing.
"""
import argparse, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import numpy as np, torch
from common import FINDINGS, NIH5, MODELS, load_json, setup_torch
from members import MEMBERS, build, load_trained
from build_release import ensemble_weights
from metrics import auc
from specialist import probabilities
from train_members import val_report
import cache_data, pipeline


def main():
    setup_torch()
    ap = argparse.ArgumentParser()
    ap.add_argument("--extra", action="append", default=[], help="member=path/to/weights.pt")
    a = ap.parse_args()
    d = cache_data.load()
    va = np.where(d["split"] == "val")[0]
    Y, S, X = d["Y"][va].astype(int), d["source"][va], d["X"][va]
    names = [m["name"] for m in load_json(os.path.join(MODELS, "manifest.json"))["members"]]
    P = {n: probabilities(load_trained(n), X, MEMBERS[n]["input"]) for n in names}
    for i, e in enumerate(a.extra):
        name, path = e.split("=", 1)
        clf = build(name, pretrained=False)
        clf.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in torch.load(path).items()})
        P[f"{name}#{i + 2}"] = probabilities(clf, X, MEMBERS[name]["input"])
    j = FINDINGS.index
    kpn = (Y[:, j("pneumonia")] == 1) & (Y[:, j("viral_pneumonia")] >= 0) & (S == "kermany")

    def row(label, members):
        sub = {n: P[n] for n in members}
        E = pipeline.ensemble(sub, {n: FINDINGS for n in sub}, ensemble_weights(sub, Y, S)[0])
        r = val_report(E, Y, S)
        vbk = auc(Y[kpn, j("viral_pneumonia")] == 1, E[kpn, j("viral_pneumonia")])
        per = " / ".join("%.3f" % r["nih:" + f] for f in NIH5)
        print(f"| {label} | {r['pneumonia:viral_vs_bacterial']:.4f} | {vbk:.4f} | {r['_nih5']:.4f} | {per} | "
              f"{r['covid_19']:.4f} |", flush=True)

    print("| members | viral vs bacterial within pneumonia | same, Kermany | NIH five mean | "
          "Atel. / Cardiom. / Consol. / Edema / Effus. | COVID-19 |\n|---|---|---|---|---|---|")
    for n in P:
        row(n + " alone", [n])
    row("release (3)", names)
    for n in P:
        if n not in names:
            row(f"release + {n}", names + [n])
    if len(P) > len(names) + 1:
        row(f"all ({len(P)})", list(P))


if __name__ == "__main__":
    main()
