"""Viral vs bacterial on val of trained member weights, read several ways: the member's own viral sigmoid
(P(viral | pneumonia) for the conditional heads of this branch), the joint P(pneumonia) x P(viral | pneumonia),
and p_viral / (p_viral + p_bacterial); within pneumonia (all sources) and within Kermany pneumonia.
Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/experiments/subtype_check.py tiny-darknet WEIGHTS.pt [...]
"""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import numpy as np, torch
import cache_data
from common import FINDINGS
from members import MEMBERS, build
from augment import to_spec
from metrics import auc


def main():
    torch.set_num_threads(1)
    d = cache_data.load()
    va = np.where(d["split"] == "val")[0]
    Y, S, X = d["Y"][va], d["source"][va], d["X"][va]
    j = FINDINGS.index
    pn = (Y[:, j("pneumonia")] == 1) & (Y[:, j("viral_pneumonia")] >= 0)
    pnk = pn & (S == "kermany")
    y = Y[:, j("viral_pneumonia")] == 1
    name = sys.argv[1]
    for path in sys.argv[2:]:
        m = build(name, pretrained=False)
        m.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in torch.load(path).items()})
        m.eval()
        with torch.no_grad():
            L = np.concatenate([m(to_spec(torch.from_numpy(X[i:i + 256]).unsqueeze(1) / 255.0, MEMBERS[name]["input"])).numpy()
                                for i in range(0, len(X), 256)])
        P = 1 / (1 + np.exp(-L))
        v, b, p = P[:, j("viral_pneumonia")], P[:, j("bacterial_pneumonia")], P[:, j("pneumonia")]
        print(path, name, f"sigmoid {auc(y[pn], v[pn]):.4f}", f"joint {auc(y[pn], (v * p)[pn]):.4f}",
              f"ratio {auc(y[pn], (v / (v + b))[pn]):.4f}", f"kermany sigmoid {auc(y[pnk], v[pnk]):.4f}")


if __name__ == "__main__":
    main()
