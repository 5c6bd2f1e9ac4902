"""Check the converted pretrained weights before fine-tuning:
  - Tiny Darknet top-5 ImageNet classes on Debian darknet's dog.jpg (expect a dog breed) and eagle.jpg (bird of prey)
  - MobileNetV2 backbone + its 'teachable' 3-class head (Normal / Covid19 / Viral Pneumonia) on a few val X-rays
Usage: /usr/bin/python3 check_pretrained.py --data ../shared/data/cxr   (after convert_pretrained.py)
"""
import argparse, csv, json, os, sys
import numpy as np
import torch
from PIL import Image
from common import CACHE, DEFAULT_DATA, log, setup_torch
from nets import TinyDarknetImageNet, MobileNetV2Backbone


def main():
    setup_torch()
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--photos", default="/usr/share/darknet/data")
    ap.add_argument("--out", default=None, help="write the result JSON here")
    a = ap.parse_args()
    pre = os.path.join(CACHE, "pretrained")
    labels = [l.strip() for l in open(os.path.join(a.data, "pretrained", "darknet-tiny", "imagenet-labels.txt"))]
    net = TinyDarknetImageNet(); net.load_state_dict(torch.load(os.path.join(pre, "tiny_darknet_imagenet.pt"))); net.eval()
    result = {"darknet": {}, "mobilenet_teachable": []}
    ok = True
    for name, expect in (("dog.jpg", "dog breed"), ("eagle.jpg", "bird of prey")):
        im = Image.open(os.path.join(a.photos, name)).convert("RGB").resize((224, 224), Image.BILINEAR)
        x = torch.from_numpy(np.asarray(im, np.float32) / 255.0).permute(2, 0, 1)[None]
        with torch.no_grad():
            p = torch.softmax(net(x), 1)[0]
        top = torch.topk(p, 5)
        t5 = [(labels[i], round(float(v), 4)) for v, i in zip(top.values, top.indices)]
        result["darknet"][name] = {"expect": expect, "top5": t5}
        print(name, "(expect %s):" % expect, t5)
    # MobileNet: backbone + teachable head on val X-rays of each class it knows
    mb = MobileNetV2Backbone(in_ch=3); mb.load_state_dict(torch.load(os.path.join(pre, "mobilenetv2_035_imagenet.pt"))); mb.eval()
    head = torch.load(os.path.join(pre, "mobilenetv2_teachable_head.pt"))
    W1, b1 = head["sequential_3/dense_Dense1/kernel:0"], head["sequential_3/dense_Dense1/bias:0"]
    W2 = head["sequential_3/dense_Dense2/kernel:0"]
    rows = list(csv.DictReader(open(os.path.join(a.data, "index.csv"))))
    picks = {"normal (kermany)": [r for r in rows if r["split"] == "val" and r["source"] == "kermany" and r["No Finding"] == "1"][:20],
             "covid-19 (covid)": [r for r in rows if r["split"] == "val" and r["COVID-19"] == "1"][:20],
             "viral (kermany)": [r for r in rows if r["split"] == "val" and r["source"] == "kermany" and r["Viral Pneumonia"] == "1"][:20]}
    for group, rs in picks.items():
        counts = np.zeros(3, int)
        for r in rs:
            im = Image.open(os.path.join(a.data, r["path"])).convert("RGB").resize((224, 224), Image.BILINEAR)
            x = torch.from_numpy(np.asarray(im, np.float32) / 127.5 - 1.0).permute(2, 0, 1)[None]
            with torch.no_grad():
                e = mb(x).mean((2, 3))
                p = torch.softmax(torch.relu(e @ W1 + b1) @ W2, 1)[0]
            counts[int(p.argmax())] += 1
        result["mobilenet_teachable"].append({"group": group, "argmax_counts[Normal,Covid19,Viral]": counts.tolist()})
        print("mobilenet teachable head on", group, "argmax counts [Normal, Covid19, Viral]:", counts.tolist())
    if a.out:
        json.dump(result, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
