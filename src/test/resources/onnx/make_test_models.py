"""Tiny ONNX models + manifest + parity fixtures for the Java pipeline's tests (a few KB each).

They follow models/MANIFEST.md exactly like the real release, but exercise what the real models do not:
three members with different input specs (stretch / center-crop / letterbox, 1 and 3 channels, mean/std,
valueRange [-1, 1]), CAMs of different sizes (8x8 and 4x4: the Java side upsamples to a common size),
a member that outputs only some findings, an ood scalar shaped [N] and one shaped [N, 1], and a VAE.

Expected values come from torch and the reference preprocessing of models/training/preprocess.py.
Usage (from the repository root):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 src/test/resources/onnx/make_test_models.py [models/training]
"""
import json, os, shutil, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "..", "models", "training"))
sys.path.insert(0, TRAINING)
from preprocess import decode_grey8, decode_rgb8, saturation, preprocess, grey_std, edge_mean  # noqa: E402
import pipeline  # noqa: E402  (percentile_rank, gate_decide, vae_scores_np: the reference formulas)

OUT = os.path.join(HERE, "models")
FIX = os.path.join(OUT, "fixtures")
FINDINGS = [("no_finding", "No Finding"), ("pneumonia", "Pneumonia"), ("covid_19", "COVID-19"),
            ("effusion", "Effusion"), ("cardiomegaly", "Cardiomegaly")]
CODES = [c for c, _ in FINDINGS]
torch.manual_seed(4)


class Member(nn.Module):
    """conv stack -> feature map (stride s) -> probabilities, CAM (logit units), embedding, ood distance."""

    def __init__(self, cin, n_out, widths, pool_steps, scalar_2d=False):
        super().__init__()
        layers, c = [], cin
        for i, w in enumerate(widths):
            layers += [nn.Conv2d(c, w, 3, 1, 1), nn.BatchNorm2d(w), nn.ReLU()]
            if i < pool_steps:
                layers.append(nn.MaxPool2d(2))
            c = w
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(c, n_out)
        self.fc.weight.data *= 12    # spread the probabilities away from 0.5
        self.register_buffer("mu", torch.randn(1, c) * 0.1)
        self.scalar_2d = scalar_2d
        for m in self.modules():   # non-trivial batch-norm statistics, as in a trained net
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2); m.running_var.uniform_(0.5, 2.0)
                m.weight.data.uniform_(0.5, 1.5); m.bias.data.uniform_(-0.2, 0.2)

    def forward(self, image):
        f = self.features(image)
        emb = f.mean((2, 3))
        logits = self.fc(emb)
        cam = torch.einsum("nchw,fc->nfhw", f, self.fc.weight) + self.fc.bias.view(1, -1, 1, 1)
        d = torch.sqrt(((emb - self.mu) ** 2).sum(1))
        return torch.sigmoid(logits), cam, emb, (d.unsqueeze(1) if self.scalar_2d else d)


class Vae(nn.Module):
    def __init__(self, z=6):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 4, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(4, 8, 4, 2, 1), nn.LeakyReLU(0.2))
        self.mu = nn.Linear(8 * 8 * 8, z)
        self.lv = nn.Linear(8 * 8 * 8, z)
        self.dec_fc = nn.Linear(z, 8 * 8 * 8)
        self.dec = nn.Sequential(nn.ConvTranspose2d(8, 4, 4, 2, 1), nn.LeakyReLU(0.2), nn.ConvTranspose2d(4, 1, 4, 2, 1))

    def forward(self, image):
        h = self.enc(image).flatten(1)
        mu, lv = self.mu(h), self.lv(h) * 0.1
        r = torch.sigmoid(self.dec(self.dec_fc(mu).view(-1, 8, 8, 8)))
        return r, mu, lv


MEMBERS = [
    {"name": "alpha", "findings": CODES, "net": Member(1, 5, [4, 8, 8], 3),
     "input": {"name": "image", "height": 64, "width": 64, "channels": 1, "resize": "stretch", "valueRange": [0.0, 1.0]},
     "weights": {"no_finding": 0.5, "pneumonia": 0.6, "covid_19": 0.7, "effusion": 0.4, "cardiomegaly": 1.0}},
    {"name": "beta", "findings": CODES, "net": Member(3, 5, [4, 6], 2, scalar_2d=True),
     "input": {"name": "pixels", "height": 16, "width": 16, "channels": 3, "resize": "center-crop",
               "valueRange": [0.0, 1.0], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
     "weights": {"no_finding": 0.5, "pneumonia": 0.4, "covid_19": 0.3, "effusion": 0.6}},
    {"name": "gamma", "findings": ["effusion", "pneumonia", "no_finding"], "net": Member(1, 3, [4, 4], 3),
     "input": {"name": "image", "height": 32, "width": 32, "channels": 1, "resize": "letterbox", "valueRange": [-1.0, 1.0]},
     "weights": {"pneumonia": 0.25, "effusion": 0.5}},
]
VAE_INPUT = {"name": "image", "height": 32, "width": 32, "channels": 1, "resize": "stretch", "valueRange": [0.0, 1.0]}
NEG_ELBO_W = 64.0


def phantom_chest(w=300, h=260, seed=5):
    rng = np.random.default_rng(seed)
    im = Image.new("L", (w, h), 8)
    d = ImageDraw.Draw(im)
    d.ellipse([int(0.06 * w), int(0.02 * h), int(0.94 * w), int(1.25 * h)], fill=150)
    d.ellipse([int(0.14 * w), int(0.12 * h), int(0.47 * w), int(0.90 * h)], fill=55)
    d.ellipse([int(0.53 * w), int(0.12 * h), int(0.86 * w), int(0.90 * h)], fill=60)
    d.ellipse([int(0.40 * w), int(0.45 * h), int(0.70 * w), int(0.88 * h)], fill=175)
    d.rectangle([int(0.46 * w), 0, int(0.54 * w), h], fill=190)
    im = im.filter(ImageFilter.GaussianBlur(2.5))
    a = np.asarray(im, np.float32) + rng.normal(0, 4, (h, w))
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def colour_pattern(w=160, h=120):
    yy, xx = np.mgrid[0:h, 0:w]
    r = (xx * 255 // (w - 1)).astype(np.uint8)
    g = (yy * 255 // (h - 1)).astype(np.uint8)
    b = (((xx // 20) + (yy // 20)) % 2 * 200 + 30).astype(np.uint8)
    return Image.fromarray(np.stack([r, g, b], -1), "RGB")


def gradient16(w=200, h=150):
    yy, xx = np.mgrid[0:h, 0:w]
    a = (300 + 40 * xx + 17 * yy + (xx * yy) % 97).astype(np.uint16)   # 16-bit grey: min-max stretched
    return Image.fromarray(a.astype(np.int32), "I").convert("I;16")


def palette_rings(w=96, h=80):
    yy, xx = np.mgrid[0:h, 0:w]
    v = ((np.sqrt((xx - 40) ** 2 + (yy - 30) ** 2) * 6) % 256).astype(np.uint8)
    return Image.fromarray(v, "L").convert("RGB").quantize(colors=32, method=Image.MEDIANCUT)


def small_rgba(w=64, h=48):
    yy, xx = np.mgrid[0:h, 0:w]
    a = np.zeros((h, w, 4), np.uint8)
    a[..., 0] = (xx * 4) % 256; a[..., 1] = (yy * 5) % 256; a[..., 2] = 128; a[..., 3] = ((xx + yy) * 3) % 256
    return Image.fromarray(a, "RGBA")


def uniform_grey(w=90, h=70):
    return Image.new("L", (w, h), 128)


IMAGES = [("phantom_chest.png", phantom_chest), ("colour_pattern.png", colour_pattern), ("gradient16.png", gradient16),
          ("palette_rings.png", palette_rings), ("small_rgba.png", small_rgba), ("uniform_grey.png", uniform_grey)]


def put(name, arr):
    arr = np.ascontiguousarray(arr, dtype="<f4")
    arr.tofile(os.path.join(FIX, name))
    return {"file": name, "shape": list(arr.shape)}


def export(net, path, input_name, output_names):
    shape = (1, net.features[0].in_channels, 8, 8) if hasattr(net, "features") else (1, 1, 32, 32)
    torch.onnx.export(net, torch.zeros(*shape) if hasattr(net, "features") else torch.zeros(1, 1, 32, 32), path,
                      opset_version=14, input_names=[input_name], output_names=output_names,
                      dynamic_axes={input_name: {0: "N", 2: "H", 3: "W"}, **{o: {0: "N"} for o in output_names}})


def with_spec_shape(net, spec):
    return torch.zeros(1, spec["channels"], spec["height"], spec["width"])


def ensemble_cam(cams, manifest_members):
    """Per finding: weighted mean of the members' maps, each bilinearly upsampled (align_corners=False) to the
    largest map size among the members."""
    h = max(c.shape[2] for c in cams.values()); w = max(c.shape[3] for c in cams.values())
    out = np.zeros((len(CODES), h, w), np.float64)
    for j, f in enumerate(CODES):
        den = 0.0
        for m in manifest_members:
            wt = m["weights"].get(f, 0.0)
            if wt > 0 and f in m["findings"]:
                c = torch.from_numpy(cams[m["name"]][:, m["findings"].index(f)][None])
                if c.shape[2:] != (h, w):
                    c = F.interpolate(c, size=(h, w), mode="bilinear", align_corners=False)
                out[j] += wt * c[0, 0].numpy().astype(np.float64)
                den += wt
        if den > 0:
            out[j] /= den
    return out[None]


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "members")); os.makedirs(os.path.join(OUT, "anomaly")); os.makedirs(FIX)
    manifest_members = []
    for m in MEMBERS:
        net = m["net"].eval()
        path = os.path.join(OUT, "members", m["name"] + ".onnx")
        outs = ["probabilities", "cam", "embedding", "ood"]
        torch.onnx.export(net, with_spec_shape(net, m["input"]), path, opset_version=14, input_names=[m["input"]["name"]],
                          output_names=outs, dynamic_axes={m["input"]["name"]: {0: "N"}, **{o: {0: "N"} for o in outs}})
        manifest_members.append({"name": m["name"], "architecture": "tiny test network", "file": f"members/{m['name']}.onnx",
                                 "findings": m["findings"], "weights": m["weights"], "input": m["input"],
                                 "outputs": {"probabilities": "probabilities", "cam": "cam", "embedding": "embedding",
                                             "scalars": {"ood_distance": "ood"}}})
    vae = Vae().eval()
    torch.onnx.export(vae, torch.zeros(1, 1, 32, 32), os.path.join(OUT, "anomaly", "vae.onnx"), opset_version=14,
                      input_names=["image"], output_names=["reconstruction", "mu", "logvar"],
                      dynamic_axes={"image": {0: "N"}, "reconstruction": {0: "N"}, "mu": {0: "N"}, "logvar": {0: "N"}})
    # reference percentiles from phantoms with different seeds (the tests' "normal" X-rays)
    ref = {"mse": [], "kl": [], "negElbo": []}
    for seed in range(40):
        x = preprocess(decode_grey8(phantom_chest(240 + seed, 220 + 2 * seed, seed=100 + seed)), VAE_INPUT)[None]
        with torch.no_grad():
            r, mu, lv = [v.numpy() for v in vae(torch.from_numpy(x))]
        for k, v in pipeline.vae_scores_np(x, r, mu, lv, NEG_ELBO_W).items():
            ref[k].append(float(v[0]))
    reference = {"count": 40, **{k: [float(v) for v in np.percentile(vals, np.arange(101))] for k, vals in ref.items()}}
    findings = []
    thresholds = {"no_finding": 0.5, "pneumonia": 0.45, "covid_19": 0.5, "effusion": 0.52, "cardiomegaly": 0.5}
    for code, label in FINDINGS:
        findings.append({"code": code, "label": label, "threshold": thresholds[code], "reported": code != "cardiomegaly",
                         "reportRule": "test", "val": {"auc": 0.9, "aucLow": 0.85, "aucHigh": 0.95, "positives": 30,
                                                       "negatives": 70, "sensitivity": 0.8, "specificity": 0.85}})
        if code == "no_finding":
            findings[-1]["normal"] = True
        # Test values (no validation data here): a heatmap scale for some findings, so the others exercise the
        # server's fallback from the threshold; calibration numbers for one.
        if code in ("pneumonia", "covid_19", "effusion"):
            findings[-1]["heatmap"] = {"low": 0.0, "high": 0.5}
        if code == "pneumonia":
            findings[-1]["calibration"] = {"ece": 0.05, "bins": 10, "meanProbability": 0.3, "brier": 0.1}
    gate = {"rules": [
        {"feature": "input.saturation", "max": 0.04, "reason": "This looks like a colour image, not a chest X-ray.",
         "suggestion": "Upload a frontal chest X-ray in greyscale."},
        {"feature": "input.greyStd", "min": 0.05, "max": 0.45, "reason": "The image has too little or too much contrast.",
         "suggestion": "Upload the original radiograph."},
        {"feature": "member.alpha.ood_distance", "max": 50.0, "reason": "The models do not recognise this as a chest X-ray.",
         "suggestion": "Upload a frontal chest X-ray (PA or AP)."},
        {"feature": "member.beta.ood_distance", "max": 60.0, "reason": "The models do not recognise this as a chest X-ray.",
         "suggestion": "Upload a frontal chest X-ray (PA or AP)."},
        {"feature": "input.edgeMean", "max": 0.5, "reason": "The texture does not look like a radiograph.",
         "suggestion": "Upload the original radiograph at full quality."},
        {"feature": "anomaly.mse", "max": 1.0, "reason": "This image is far more unusual than known X-rays.",
         "suggestion": "Upload a frontal chest X-ray."}],
        "uncertainty": {"margin": 0.001, "reason": "The models are too unsure about every finding.",
                        "suggestion": "Ask a radiologist."},
        "calibration": {"method": "test values"}}
    manifest = {"name": "chestlens-test", "version": "0.0.1", "created": "2026-01-01",
                "disclaimer": "Test models: not for any use.", "findings": findings, "members": manifest_members,
                "similarity": {"member": "alpha"},
                "anomaly": {"name": "vae", "file": "anomaly/vae.onnx", "input": VAE_INPUT,
                            "outputs": {"reconstruction": "reconstruction", "mu": "mu", "logvar": "logvar"},
                            "negElboMseWeight": NEG_ELBO_W, "reference": reference},
                "gate": gate}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    out = {"tolerance": 1e-4, "notes": "Generated by src/test/resources/onnx/make_test_models.py", "images": []}
    weights = {m["name"]: m["weights"] for m in manifest_members}
    mf = {m["name"]: m["findings"] for m in manifest_members}
    for fname, fn in IMAGES:
        im = fn()
        im.save(os.path.join(FIX, fname))
        im = Image.open(os.path.join(FIX, fname)); im.load()
        stem = fname.rsplit(".", 1)[0]
        grey = decode_grey8(im); rgb = decode_rgb8(im)
        rec = {"file": fname, "width": im.size[0], "height": im.size[1], "mode": im.mode,
               "greySum": int(grey.astype(np.int64).sum()), "members": {}}
        feats = {"input.saturation": saturation(rgb)}
        probs, cams = {}, {}
        for m in MEMBERS:
            n = m["name"]
            x = preprocess(grey, m["input"])[None]
            with torch.no_grad():
                p, cam, emb, dist = [v.numpy() for v in m["net"](torch.from_numpy(x))]
            probs[n], cams[n] = p, cam
            feats[f"member.{n}.ood_distance"] = float(dist.reshape(-1)[0])
            rec["members"][n] = {"input": put(f"{stem}.{n}.input.f32", x), "probabilities": [float(v) for v in p[0]],
                                 "cam": put(f"{stem}.{n}.cam.f32", cam), "embedding": put(f"{stem}.{n}.embedding.f32", emb),
                                 "scalars": {"ood_distance": float(dist.reshape(-1)[0])}}
        xv = preprocess(grey, VAE_INPUT)[None]
        with torch.no_grad():
            r, mu, lv = [v.numpy() for v in vae(torch.from_numpy(xv))]
        sc = pipeline.vae_scores_np(xv, r, mu, lv, NEG_ELBO_W)
        rec["vae"] = {"input": put(f"{stem}.vae.input.f32", xv), "reconstruction": put(f"{stem}.vae.reconstruction.f32", r),
                      "mu": [float(v) for v in mu[0]], "logvar": [float(v) for v in lv[0]],
                      **{k: float(v[0]) for k, v in sc.items()},
                      "percentileRank": {k: pipeline.percentile_rank(float(sc[k][0]), reference[k]) for k in sc}}
        feats.update({"anomaly." + k: float(v[0]) for k, v in sc.items()})
        feats["input.greyStd"] = grey_std(xv[0], VAE_INPUT)
        feats["input.edgeMean"] = edge_mean(xv[0], VAE_INPUT)
        rec["features"] = feats
        E = np.full(len(CODES), np.nan)
        for j, f in enumerate(CODES):
            num, den = 0.0, 0.0
            for m in manifest_members:
                wt = m["weights"].get(f, 0.0)
                if wt > 0 and f in m["findings"]:
                    num += wt * float(probs[m["name"]][0, m["findings"].index(f)]); den += wt
            E[j] = num / den
        ecam = ensemble_cam(cams, manifest_members)
        rec["ensemble"] = {"probabilities": {f["code"]: float(E[j]) for j, f in enumerate(findings)},
                           "positive": {f["code"]: bool(E[j] >= f["threshold"]) for j, f in enumerate(findings)},
                           "reportedPositive": [f["code"] for j, f in enumerate(findings) if f["reported"] and E[j] >= f["threshold"]],
                           "cam": put(f"{stem}.ensemble.cam.f32", ecam.astype(np.float32))}
        rec["gate"] = pipeline.gate_decide(feats, gate, E, findings)
        out["images"].append(rec)
        print(fname, "gate", rec["gate"]["feature"], "positive", rec["ensemble"]["reportedPositive"])
    with open(os.path.join(FIX, "fixtures.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
