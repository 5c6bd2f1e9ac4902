"""Preprocess every image ONCE into a cached float32 array (reference preprocessing, stretch to 128x128,
grey 0..255 before valueRange mapping) under $CHESTLENS_CACHE (default /work/cache/chestlens). Not committed.
Usage: /usr/bin/python3 cache_data.py --data ../shared/data/cxr
"""
import argparse, csv, hashlib, os
from multiprocessing import Pool
import numpy as np
from common import CACHE, DEFAULT_DATA, FINDING_LABELS, FINDINGS, SIZE, log
from preprocess import decode_grey8, geometry


def _one(path):
    g = decode_grey8(path)
    return geometry(g, SIZE, SIZE, "stretch"), g.shape


def cache_path():
    return os.path.join(CACHE, f"cxr_{SIZE}.npz")


def build(data, force=False):
    out = cache_path()
    index = os.path.join(data, "index.csv")
    sig = hashlib.sha1(open(index, "rb").read()).hexdigest()
    if os.path.exists(out) and not force:
        z = np.load(out, allow_pickle=False)
        if str(z["sig"]) == sig:
            log("cache up to date:", out)
            return out
    rows = list(csv.DictReader(open(index)))
    paths = [os.path.join(data, r["path"]) for r in rows]
    with Pool(2) as pool:
        res = pool.map(_one, paths, chunksize=64)
    X = np.stack([r[0] for r in res]).astype(np.float32)
    shapes = np.array([r[1] for r in res], np.int32)
    Y = np.full((len(rows), len(FINDINGS)), -1, np.int8)
    for i, r in enumerate(rows):
        for j, lab in enumerate(FINDING_LABELS):
            if r[lab] != "":
                Y[i, j] = int(r[lab])
    os.makedirs(CACHE, exist_ok=True)
    np.savez(out, X=X, Y=Y, shapes=shapes, source=np.array([r["source"] for r in rows]),
             split=np.array([r["split"] for r in rows]), path=np.array([r["path"] for r in rows]),
             patient=np.array([r["patient_id"] for r in rows]), sig=np.array(sig))
    log("cached", X.shape, "->", out)
    return out


def load():
    z = np.load(cache_path(), allow_pickle=False)
    return {k: z[k] for k in z.files}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    build(a.data, a.force)
