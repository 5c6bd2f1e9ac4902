"""Selects the default reference library that ships inside ChestLens (src/main/resources/references/).

Only rows whose licence allows redistribution are taken: Kermany et al. (CC BY 4.0, attribution given) and NIH
ChestX-ray14 at 128 px ("nih128", CC0). The covid source is left out entirely: many of its images are NC, ND or of
unspecified licence, and the CC BY ones would need per-image credits the index does not carry.

Only the TRAIN split: the val split stays untouched for measuring the models (and, should similar-case results
ever be scored, val queries against train references never meet their own image; splits never share a patient).
At most one image per patient, so the library shows different people.

The image files are copied byte for byte (they are already small: Kermany 224 px JPEG, NIH 128 px JPEG), so a
reference's embedding is exactly what the models compute for that image of the data set.

    /usr/bin/python3 models/training/reference_library.py --data ../shared/data/cxr \
        --out src/main/resources/references

Deterministic: the same data and arguments give the same selection.
"""
import argparse
import csv
import hashlib
import os
import shutil

FINDINGS = ["No Finding", "Pneumonia", "Bacterial Pneumonia", "Viral Pneumonia", "COVID-19", "Atelectasis",
            "Cardiomegaly", "Consolidation", "Edema", "Effusion", "Infiltration", "Pneumothorax", "Nodule", "Mass",
            "Emphysema", "Fibrosis", "Pleural_Thickening", "Hernia"]

# source -> (licence as the index states it, whom to credit)
ALLOWED = {
    "kermany": ("CC BY 4.0", "Kermany, Zhang & Goldbaum (2018), Labeled OCT and Chest X-Ray Images for "
                             "Classification, Mendeley Data v2, doi:10.17632/rscbjbr9sj.2"),
    "nih128": ("CC0 (NIH Clinical Center)", "NIH Clinical Center, ChestX-ray14 (Wang et al. 2017, CVPR)"),
}

# How many cases to take per (source, label): the label's own column must be 1. Multi-label NIH images count
# for every label they carry, so the NIH total is less than the sum.
QUOTAS = {
    "kermany": {"No Finding": 150, "Bacterial Pneumonia": 150, "Viral Pneumonia": 150},
    "nih128": {"No Finding": 150, "Atelectasis": 60, "Cardiomegaly": 60, "Consolidation": 60, "Edema": 50,
               "Effusion": 60, "Infiltration": 60, "Pneumothorax": 60, "Nodule": 60, "Mass": 60, "Emphysema": 60,
               "Fibrosis": 60, "Pleural_Thickening": 60, "Hernia": 17, "Pneumonia": 50},
}


def order_key(row):
    """A fixed pseudo-random order (not the file order, which groups patients and dates)."""
    return hashlib.sha256(("chestlens-references-1:" + row["path"]).encode()).hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="../shared/data/cxr")
    p.add_argument("--out", default="src/main/resources/references")
    a = p.parse_args()

    with open(os.path.join(a.data, "index.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["split"] == "train" and r["source"] in ALLOWED and r["license"] == ALLOWED[r["source"]][0]]
    rows.sort(key=order_key)

    chosen, patients = [], set()
    for source, quotas in QUOTAS.items():
        taken = {label: 0 for label in quotas}
        for label in quotas:  # rare labels first would change little: quotas are below what each label has
            for r in rows:
                if taken[label] >= quotas[label]:
                    break
                if r["source"] != source or r[label] != "1" or r["patient_id"] in patients:
                    continue
                chosen.append(r)
                patients.add(r["patient_id"])
                for other in quotas:
                    if r[other] == "1":
                        taken[other] += 1

    if os.path.isdir(os.path.join(a.out, "images")):
        shutil.rmtree(os.path.join(a.out, "images"))
    total = 0
    with open(os.path.join(a.out, "index.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "source", "split", "license", "attribution"] + FINDINGS)
        for r in sorted(chosen, key=lambda r: r["path"]):
            rel = "images/" + r["source"] + "/" + os.path.basename(r["path"])
            os.makedirs(os.path.dirname(os.path.join(a.out, rel)), exist_ok=True)
            shutil.copyfile(os.path.join(a.data, r["path"]), os.path.join(a.out, rel))
            total += os.path.getsize(os.path.join(a.out, rel))
            w.writerow([rel, r["source"], r["split"], ALLOWED[r["source"]][0], ALLOWED[r["source"]][1]]
                       + [r[c] for c in FINDINGS])

    print(f"{len(chosen)} images, {total / 1e6:.1f} MB, in {a.out}")
    for source in QUOTAS:
        mine = [r for r in chosen if r["source"] == source]
        counts = {c: sum(r[c] == "1" for r in mine) for c in FINDINGS if any(r[c] == "1" for r in mine)}
        print(f"  {source}: {len(mine)} images; positives: {counts}")


if __name__ == "__main__":
    main()
