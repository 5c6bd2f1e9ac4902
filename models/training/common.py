"""Shared constants and helpers for ChestLens model training (Debian /usr/bin/python3, torch 1.13 CPU)."""
import os, re, json, random
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)                      # models/
CACHE = os.environ.get("CHESTLENS_CACHE", "/work/cache/chestlens")
DEFAULT_DATA = os.path.normpath(os.path.join(MODELS, "..", "..", "shared", "data", "cxr"))
DEFAULT_OOD = os.path.normpath(os.path.join(MODELS, "..", "..", "shared", "data", "ood"))
WEIGHTS = os.environ.get("CHESTLENS_WEIGHTS", os.path.join(HERE, "weights"))

FINDING_LABELS = ["No Finding", "Pneumonia", "Bacterial Pneumonia", "Viral Pneumonia", "COVID-19",
                  "Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Effusion", "Infiltration",
                  "Pneumothorax", "Nodule", "Mass", "Emphysema", "Fibrosis", "Pleural_Thickening", "Hernia"]


def code_of(label):
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


FINDINGS = [code_of(l) for l in FINDING_LABELS]
# Relations the server applies to the threshold decisions (MANIFEST.md, "Finding relations"): a sub-type is
# positive only while its parent is; the normal finding only while no other reported finding is.
SUBTYPE_OF = {"bacterial_pneumonia": "pneumonia", "viral_pneumonia": "pneumonia"}
NORMAL_FINDING = "no_finding"
NIH5 = ["atelectasis", "cardiomegaly", "consolidation", "edema", "effusion"]
SIZE = 128            # every image is brought to SIZE x SIZE (stretch) before anything else

SEED = 1234


def seed_all(seed=SEED):
    import torch
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def setup_torch():
    """2 intra-op threads (the reference setting); CHESTLENS_THREADS overrides it (train_all --jobs N uses 1)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import torch
    torch.set_num_threads(int(os.environ.get("CHESTLENS_THREADS", "2")))
    return torch


def log(*a, file=None):
    import time, sys
    msg = time.strftime("%H:%M:%S ") + " ".join(str(x) for x in a)
    print(msg, flush=True)


def save_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write("\n")


def load_json(path):
    with open(path) as f:
        return json.load(f)
