"""Retrain everything and rewrite models/ (members/*.onnx, anomaly/vae.onnx, manifest.json, fixtures/,
metrics.json, training/weights/*.pt, training/logs/*). Fixed seeds; per-epoch logs.
Usage (from the repository root):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/train_all.py --data ../shared/data/cxr --ood ../shared/data/ood
Options: --quick (2 epochs per member, 3 for the VAE: a smoke run), --skip-train (rebuild release from weights),
--jobs N (run the trainings N at a time with 1 thread each; default 2, the setting the release was built with:
on 2 cores two 1-thread trainings use the CPU better than one 2-thread training; --jobs 1 runs them one after
another with 2 threads, and its results may differ from the release in the last float bits).
"""
import os
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# glibc malloc otherwise hands large freed tensors back to the kernel and page-faults them in again on the next
# batch: 60% of the CPU in the kernel; a MobileNetV2 step took 3x the CPU time (experiments/train_step_bench.py).
# The children inherit these; they change where memory comes from, not any number computed.
os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(16 << 30))
os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", str(16 << 30))
os.environ.setdefault("MALLOC_TOP_PAD_", str(1 << 30))
import argparse, json, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import CACHE, DEFAULT_DATA, DEFAULT_OOD, MODELS, log
from members import MEMBERS


def run(args, logname, quiet=False):
    os.makedirs(os.path.join(CACHE, "logs"), exist_ok=True)
    t0 = time.time()
    log("RUN", " ".join(args))
    with open(os.path.join(CACHE, "logs", logname), "w") as f:
        p = subprocess.Popen([sys.executable] + args, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in p.stdout:
            if not quiet or " epoch " in line:
                sys.stdout.write(line); sys.stdout.flush()
            f.write(line); f.flush()
        if p.wait() != 0:
            raise SystemExit(f"step failed: {args}")
    dt = time.time() - t0
    log(f"DONE {args[0]} in {dt:.0f}s")
    return dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--ood", default=DEFAULT_OOD)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-train", action="store_true")
    ap.add_argument("--jobs", type=int, default=2, help="run the 4 trainings N at a time, 1 thread each (1: sequential, 2 threads)")
    a = ap.parse_args()
    data, oodd = os.path.abspath(a.data), os.path.abspath(a.ood)
    t0 = time.time(); times = {}
    times["convert"] = run(["convert_pretrained.py", "--data", data], "convert.log")
    times["check"] = run(["check_pretrained.py", "--data", data, "--out", os.path.join(HERE, "logs", "check_pretrained.json")], "check.log")
    times["cache"] = run(["cache_data.py", "--data", data], "cache.log")
    if not a.skip_train:
        jobs = [(["train_members.py", "--member", n] + (["--epochs", "2"] if a.quick else []), f"train_{MEMBERS[n]['file']}.log", "train_" + n)
                for n in MEMBERS]
        jobs.append((["train_vae.py"] + (["--epochs", "3"] if a.quick else []), "train_vae.log", "train_vae"))
        if a.jobs <= 1:
            for args, lg, key in jobs:
                times[key] = run(args, lg)
        else:
            # concurrent trainings, 1 intra-op thread each (the same seeds; results may differ from the sequential
            # 2-thread run in the last float bits)
            os.environ["CHESTLENS_THREADS"] = "1"
            # Longest first, so that the shortest job starts last: in the timed run (2026-12-02, manifest order) the
            # small ResNet started only after Tiny Darknet and was the run's only job for its last 30 minutes.
            longest_first = ["train_resnet-small", "train_mobilenetv2", "train_tiny-darknet", "train_vae"]
            jobs.sort(key=lambda j: longest_first.index(j[2]) if j[2] in longest_first else len(longest_first))
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(a.jobs) as ex:
                futs = {key: ex.submit(run, args, lg, True) for args, lg, key in jobs}
                for key, f in futs.items():
                    times[key] = f.result()
            os.environ.pop("CHESTLENS_THREADS")
    times["release"] = run(["build_release.py", "--data", data, "--ood", oodd], "release.log")
    # PPV / calibration / heatmap scale into the manifest build_release.py just wrote (added after release 1.1.0)
    times["finding_stats"] = run(["finding_stats.py", "--data", data], "finding_stats.log")
    times["fixtures"] = run(["make_fixtures.py"], "fixtures.log")
    times["evaluate"] = run(["evaluate.py", "--data", data, "--ood", oodd], "evaluate.log")
    logs = os.path.join(HERE, "logs")
    os.makedirs(logs, exist_ok=True)
    for f in os.listdir(os.path.join(CACHE, "logs")):
        if f.startswith("train_") or f in ("release.log", "finding_stats.log", "evaluate.log", "check.log"):
            shutil.copy(os.path.join(CACHE, "logs", f), os.path.join(logs, f))
    times["total"] = time.time() - t0
    record = {k: round(v, 1) for k, v in times.items()}
    if not a.skip_train:
        record["jobs"] = a.jobs
    json.dump(record, open(os.path.join(logs, "timing.json"), "w"), indent=1)
    log("ALL DONE in", round(times["total"] / 60, 1), "min", json.dumps({k: round(v) for k, v in times.items()}))


if __name__ == "__main__":
    main()
