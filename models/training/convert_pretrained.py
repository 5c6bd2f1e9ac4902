"""Convert the ImageNet starting points in <data>/pretrained into PyTorch state dicts (cache, not committed):
  - Tiny Darknet (TF.js layers model.json + shards) -> TinyDarknetImageNet (3-ch RGB [0,1])
  - MobileNetV2-0.35 (Keras 2.4 h5)                 -> MobileNetV2Backbone(in_ch=3) (RGB [-1,1]) + teachable head
Usage: /usr/bin/python3 convert_pretrained.py --data ../shared/data/cxr
"""
import argparse, json, os
import numpy as np
import torch
import h5py
from common import CACHE, DEFAULT_DATA, log
from nets import TinyDarknetImageNet, MobileNetV2Backbone, MOBILENET_BLOCKS


def load_tfjs(folder):
    m = json.load(open(os.path.join(folder, "model.json")))
    weights = {}
    for group in m["weightsManifest"]:
        buf = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        off = 0
        for w in group["weights"]:
            assert w["dtype"] == "float32"
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            weights[w["name"]] = np.frombuffer(buf, "<f4", n, off).reshape(w["shape"]).copy()
            off += 4 * n
        assert off == len(buf), (group["paths"], off, len(buf))
    return weights


def convert_darknet(folder):
    w = load_tfjs(folder)
    net = TinyDarknetImageNet()
    sd = net.state_dict()
    convs = [m for m in net.features if not isinstance(m, torch.nn.MaxPool2d)]
    for i, blk in enumerate(convs, start=1):
        k = w[f"conv2d_{i}/kernel"]                      # kh, kw, in, out
        blk[0].weight.data = torch.from_numpy(k.transpose(3, 2, 0, 1).copy())
        bn = blk[1]
        bn.weight.data = torch.from_numpy(w[f"batch_normalization_{i}/gamma"])
        bn.bias.data = torch.from_numpy(w[f"batch_normalization_{i}/beta"])
        bn.running_mean.data = torch.from_numpy(w[f"batch_normalization_{i}/moving_mean"])
        bn.running_var.data = torch.from_numpy(w[f"batch_normalization_{i}/moving_variance"])
    n = len(convs) + 1
    net.classifier.weight.data = torch.from_numpy(w[f"conv2d_{n}/kernel"].transpose(3, 2, 0, 1).copy())
    net.classifier.bias.data = torch.from_numpy(w[f"conv2d_{n}/bias"])
    used = 4 * len(convs) + len(convs) + 2
    assert used == len(w), (used, len(w))
    return net


def convert_mobilenet(h5path):
    f = h5py.File(h5path, "r")
    g = f["model_weights"]
    flat = {}
    g.visititems(lambda name, obj: flat.__setitem__(name.split("/", 1)[1] if "/" in name else name, np.asarray(obj))
                 if isinstance(obj, h5py.Dataset) else None)
    # names like 'sequential_1/block_1_expand/kernel:0'
    W = {k.split("/", 1)[1] if k.startswith("sequential_1/") else k: v for k, v in flat.items()}
    net = MobileNetV2Backbone(in_ch=3, last_stride=2)
    used = set()

    def conv(mod, name, depthwise=False):
        key = f"{name}/depthwise_kernel:0" if depthwise else f"{name}/kernel:0"
        k = W[key]; used.add(key)
        t = k.transpose(2, 3, 0, 1) if depthwise else k.transpose(3, 2, 0, 1)   # dw: (kh,kw,C,1)->(C,1,kh,kw)
        assert mod.weight.shape == t.shape, (name, mod.weight.shape, t.shape)
        mod.weight.data = torch.from_numpy(t.copy())

    def bn(mod, name):
        for a, b in (("weight", "gamma"), ("bias", "beta"), ("running_mean", "moving_mean"), ("running_var", "moving_variance")):
            key = f"{name}/{b}:0"; used.add(key)
            getattr(mod, a).data = torch.from_numpy(W[key].copy())

    def cbr(seq, name, depthwise=False):
        convs = [m for m in seq if isinstance(m, torch.nn.Conv2d)]
        bns = [m for m in seq if isinstance(m, torch.nn.BatchNorm2d)]
        conv(convs[0], name, depthwise)
        bn(bns[0], (name + "_BN") if not name.startswith("Conv") else ("bn_Conv1" if name == "Conv1" else "Conv_1_bn"))

    cbr(net.stem, "Conv1")
    for i, blk in enumerate(net.blocks):
        mods = list(blk.conv)
        prefix = "expanded_conv" if i == 0 else f"block_{i}"
        j = 0
        if MOBILENET_BLOCKS[i][0] != 1:
            cbr(mods[0], f"{prefix}_expand"); j = 1
        cbr(mods[j], f"{prefix}_depthwise", depthwise=True)
        cbr(mods[j + 1], f"{prefix}_project")
    cbr(net.head, "Conv_1")
    head = {"sequential_3/" + k: v for k, v in W.items() if k.startswith("dense_")}
    rest = set(k for k in W if not k.startswith("dense_")) - used
    assert not rest, rest
    return net, head


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--out", default=os.path.join(CACHE, "pretrained"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    dn = convert_darknet(os.path.join(a.data, "pretrained", "darknet-tiny"))
    torch.save(dn.state_dict(), os.path.join(a.out, "tiny_darknet_imagenet.pt"))
    mb, head = convert_mobilenet(os.path.join(a.data, "pretrained", "mobilenetv2-035-teachable", "keras_model.h5"))
    torch.save(mb.state_dict(), os.path.join(a.out, "mobilenetv2_035_imagenet.pt"))
    torch.save({k: torch.from_numpy(v.copy()) for k, v in head.items()}, os.path.join(a.out, "mobilenetv2_teachable_head.pt"))
    log("converted ->", a.out, "darknet params", sum(p.numel() for p in dn.parameters()),
        "mobilenet params", sum(p.numel() for p in mb.parameters()))


if __name__ == "__main__":
    main()
