"""Dev check: write a cases file from models/fixtures and run ort_check/OrtCheck.java with the ONNX Runtime jar
from the local Maven repository (ONNX Runtime 1.21.1, what DJL 0.38 uses). Prints max abs differences and timings.
Usage: /usr/bin/python3 ort_check.py [--jar ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.21.1/onnxruntime-1.21.1.jar]
"""
import argparse, glob, json, os, subprocess, tempfile
import numpy as np
from common import MODELS

ap = argparse.ArgumentParser()
ap.add_argument("--jar", default=os.path.expanduser("~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.21.1/onnxruntime-1.21.1.jar"))
a = ap.parse_args()
man = json.load(open(os.path.join(MODELS, "manifest.json")))
fx = json.load(open(os.path.join(MODELS, "fixtures", "fixtures.json")))
tmp = tempfile.mkdtemp(prefix="ortcheck")
F = os.path.join(MODELS, "fixtures")
lines = []
for im in fx["images"]:
    for m in man["members"]:
        e = im["members"][m["name"]]
        onnxf = os.path.join(MODELS, m["file"]); inp = os.path.join(F, e["input"]["file"]); sh = ",".join(map(str, e["input"]["shape"]))
        p = os.path.join(tmp, im["file"] + m["name"] + ".p.f32"); np.asarray([e["probabilities"]], "<f4").tofile(p)
        lines += [f"{onnxf}|{inp}|{sh}|probabilities|{p}", f"{onnxf}|{inp}|{sh}|cam|{os.path.join(F, e['cam']['file'])}",
                  f"{onnxf}|{inp}|{sh}|embedding|{os.path.join(F, e['embedding']['file'])}"]
        for sc, outname in m["outputs"]["scalars"].items():
            d = os.path.join(tmp, im["file"] + m["name"] + sc + ".f32"); np.asarray([e["scalars"][sc]], "<f4").tofile(d)
            lines.append(f"{onnxf}|{inp}|{sh}|{outname}|{d}")
    v = im["vae"]; onnxf = os.path.join(MODELS, man["anomaly"]["file"])
    inp = os.path.join(F, v["input"]["file"]); sh = ",".join(map(str, v["input"]["shape"]))
    mu = os.path.join(tmp, im["file"] + ".mu.f32"); np.asarray([v["mu"]], "<f4").tofile(mu)
    lv = os.path.join(tmp, im["file"] + ".lv.f32"); np.asarray([v["logvar"]], "<f4").tofile(lv)
    lines += [f"{onnxf}|{inp}|{sh}|reconstruction|{os.path.join(F, v['reconstruction']['file'])}",
              f"{onnxf}|{inp}|{sh}|mu|{mu}", f"{onnxf}|{inp}|{sh}|logvar|{lv}"]
for m in man["members"]:
    lines.append("TIME|" + os.path.join(MODELS, m["file"]))
lines.append("TIME|" + os.path.join(MODELS, man["anomaly"]["file"]))
open(os.path.join(tmp, "cases.txt"), "w").write("\n".join(lines) + "\n")
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort_check", "OrtCheck.java")
subprocess.check_call(["javac", "-d", tmp, "-cp", a.jar, src])
out = subprocess.run(["java", "-cp", tmp + ":" + a.jar, "OrtCheck", os.path.join(tmp, "cases.txt")],
                     check=True, capture_output=True, text=True).stdout
print(out)
os.makedirs(os.path.join(MODELS, "training", "logs"), exist_ok=True)
open(os.path.join(MODELS, "training", "logs", "ort_check.txt"), "w").write(out)
