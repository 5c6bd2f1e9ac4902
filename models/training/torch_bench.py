"""PyTorch eager, model-only inference timing of every ensemble member and the VAE (the same networks as the
ONNX graphs): eval mode, no_grad, torch.set_num_threads(2), OPENBLAS_NUM_THREADS=1, batch 1.
Inputs: generated/given images (preprocessed with the reference preprocessing) or .f32 tensors [1,1,128,128].
Prints JSON with p50/p95 ms per network and for the whole ensemble + VAE pass.
Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/torch_bench.py [--runs 100] [files ...]
"""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import argparse, json, sys, time
import numpy as np
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import MODELS, load_json
import pipeline
from preprocess import decode_grey8, preprocess


def inputs_for(spec, files):
    xs = []
    for f in files:
        if f.endswith(".f32"):
            xs.append(np.fromfile(f, "<f4").reshape(1, 1, 128, 128))
        else:
            xs.append(preprocess(decode_grey8(f), spec)[None])
    if not xs:
        rng = np.random.default_rng(0)
        xs = [preprocess(rng.integers(0, 256, (300, 260)).astype(np.uint8), spec)[None]]
    return [torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)) for x in xs]


def bench(runs=100, warmup=10, files=()):
    torch.set_num_threads(2)
    man = load_json(os.path.join(MODELS, "manifest.json"))
    nets = [(m["name"], pipeline.load_export_member(m["name"]), m["input"]) for m in man["members"]]
    nets.append(("vae", pipeline.load_vae(), man["anomaly"]["input"]))
    per = {n: [] for n, _, _ in nets}
    tot = []
    ins = {n: inputs_for(spec, files) for n, _, spec in nets}
    with torch.no_grad():
        for i in range(warmup + runs):
            t_all = 0.0
            for n, m, _ in nets:
                x = ins[n][i % len(ins[n])]
                t0 = time.perf_counter(); m(x); dt = (time.perf_counter() - t0) * 1000
                t_all += dt
                if i >= warmup:
                    per[n].append(dt)
            if i >= warmup:
                tot.append(t_all)
    q = lambda v, p: float(np.percentile(v, p))
    res = {"torch": torch.__version__, "threads": torch.get_num_threads(), "runs": runs, "batch": 1,
           "networks": {n: {"p50_ms": round(q(v, 50), 3), "p95_ms": round(q(v, 95), 3)} for n, v in per.items()},
           "total_members_plus_vae": {"p50_ms": round(q(tot, 50), 3), "p95_ms": round(q(tot, 95), 3)}}
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    print(json.dumps(bench(a.runs, files=a.files), indent=1))
