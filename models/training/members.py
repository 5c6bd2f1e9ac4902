"""Member definitions: architecture, initial weights, input spec. Shared by training, export, evaluation."""
import os
import torch
from common import CACHE, FINDINGS, SUBTYPE_OF, WEIGHTS
from nets import Classifier, TinyDarknetBackbone, MobileNetV2Backbone, SmallResNet, TinyDarknetImageNet

MEMBERS = {
    "tiny-darknet": {
        "file": "tiny_darknet", "architecture": "Tiny Darknet (ImageNet initialised, converted from TF.js), "
        "last 3x3 conv (512 ch, stride 16) + global average pool + linear",
        "input": {"name": "image", "height": 128, "width": 128, "channels": 1, "resize": "stretch",
                  "valueRange": [0.0, 1.0]},
        "lr": 1.5e-3, "epochs": 8, "seed": 11},
    "mobilenetv2": {
        "file": "mobilenetv2", "architecture": "MobileNetV2-0.35 (ImageNet initialised, converted from Keras h5), "
        "block_13 stride 1 (stride 16), 1280 ch + global average pool + linear",
        "input": {"name": "image", "height": 128, "width": 128, "channels": 1, "resize": "stretch",
                  "valueRange": [-1.0, 1.0]},
        "lr": 2e-3, "epochs": 12, "seed": 12},
    "resnet-small": {
        "file": "resnet_small", "architecture": "small ResNet (BasicBlocks 24-48-96-192, stride 16) trained from scratch",
        "input": {"name": "image", "height": 128, "width": 128, "channels": 1, "resize": "stretch",
                  "valueRange": [0.0, 1.0], "mean": [0.5], "std": [0.25]},
        "lr": 3e-3, "epochs": 8, "seed": 13},
}


PARENTS = [FINDINGS.index(SUBTYPE_OF[f]) if f in SUBTYPE_OF else -1 for f in FINDINGS]


def build(name, pretrained=True):
    if name == "tiny-darknet":
        bb = TinyDarknetBackbone()
        if pretrained:
            full = TinyDarknetImageNet()
            full.load_state_dict(torch.load(os.path.join(CACHE, "pretrained", "tiny_darknet_imagenet.pt")))
            sd = {k: v for k, v in full.features.state_dict().items()}
            sd["0.0.weight"] = sd["0.0.weight"].sum(1, keepdim=True)     # grey input: RGB kernels summed
            own = bb.features.state_dict()
            bb.features.load_state_dict({k: sd[k] for k in own})
    elif name == "mobilenetv2":
        bb = MobileNetV2Backbone(in_ch=1, last_stride=1)
        if pretrained:
            sd = torch.load(os.path.join(CACHE, "pretrained", "mobilenetv2_035_imagenet.pt"))
            sd["stem.1.weight"] = sd["stem.1.weight"].sum(1, keepdim=True)    # grey input: RGB kernels summed
            bb.load_state_dict(sd)
    elif name == "resnet-small":
        bb = SmallResNet()
    else:
        raise KeyError(name)
    return Classifier(bb, len(FINDINGS), parents=PARENTS)


def weights_path(name):
    return os.path.join(WEIGHTS, MEMBERS[name]["file"] + ".pt")


def load_trained(name):
    clf = build(name, pretrained=False)
    sd = torch.load(weights_path(name))
    clf.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in sd.items()})
    clf.eval()
    return clf
