"""Train the conv VAE on train-split 'No Finding' images only (1 x 128 x 128, values in [0,1]).
Loss per image: negElbo = W * sum((x - x^)^2) + KL  (W = NEG_ELBO_MSE_WEIGHT, a Gaussian decoder with
sigma^2 = 1/(2W)); sampling during training, the exported graph uses mu.
Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 train_vae.py [--epochs 20]
"""
import argparse, math, os, time
import numpy as np
import torch
from common import CACHE, FINDINGS, WEIGHTS, log, setup_torch, seed_all, save_json
from nets import ConvVAE
from augment import augment
import cache_data

NEG_ELBO_MSE_WEIGHT = 256.0
VAE_INPUT = {"name": "image", "height": 128, "width": 128, "channels": 1, "resize": "stretch", "valueRange": [0.0, 1.0]}
VAE_FILE = os.path.join(WEIGHTS, "vae.pt")
BATCH = 64


def load_vae():
    m = ConvVAE()
    sd = torch.load(VAE_FILE)
    m.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in sd.items()})
    m.eval()
    return m


@torch.no_grad()
def vae_scores(model, X01, bs=256):
    """X01: (N,1,H,W) float [0,1] numpy/tensor -> dict of mse, kl, negElbo arrays (MANIFEST formulas)."""
    model.eval()
    mse, kl, ne = [], [], []
    for i in range(0, len(X01), bs):
        x = torch.as_tensor(X01[i:i + bs])
        r, mu, lv = model(x)
        se = ((x - r) ** 2).flatten(1)
        k = -0.5 * (1 + lv - mu ** 2 - torch.exp(lv)).sum(1)
        mse.append(se.mean(1).numpy()); kl.append(k.numpy()); ne.append((NEG_ELBO_MSE_WEIGHT * se.sum(1) + k).numpy())
    return {"mse": np.concatenate(mse), "kl": np.concatenate(kl), "negElbo": np.concatenate(ne)}


def main():
    setup_torch()
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    a = ap.parse_args()
    seed_all(21)
    d = cache_data.load()
    nf = FINDINGS.index("no_finding")
    tr = np.where((d["split"] == "train") & (d["Y"][:, nf] == 1))[0]
    va = np.where((d["split"] == "val") & (d["Y"][:, nf] == 1))[0]
    Xtr = torch.from_numpy(d["X"][tr]).unsqueeze(1) / 255.0
    Xva = torch.from_numpy(d["X"][va]).unsqueeze(1) / 255.0
    log("vae train normals", len(tr), "val normals", len(va), "epochs", a.epochs)
    model = ConvVAE()
    opt = torch.optim.Adam(model.parameters(), 2e-3)
    g = torch.Generator().manual_seed(21)
    rng = np.random.default_rng(21)
    spe = len(tr) // BATCH; total = spe * a.epochs; step = 0
    hist = []
    for ep in range(1, a.epochs + 1):
        model.train(); t0 = time.time(); perm = rng.permutation(len(tr)); tot = [0.0, 0.0]
        for b in range(spe):
            x = Xtr[perm[b * BATCH:(b + 1) * BATCH]]
            x = augment(x, g, rot_deg=5, scale=(0.95, 1.07), shift=0.04, p_lowres=0.2)
            for grp in opt.param_groups:
                grp["lr"] = 2e-3 * max(0.02, 0.5 * (1 + math.cos(math.pi * step / total)))
            r, mu, lv = model(x, sample=True)
            rec = NEG_ELBO_MSE_WEIGHT * ((x - r) ** 2).flatten(1).sum(1)
            kl = -0.5 * (1 + lv - mu ** 2 - torch.exp(lv)).sum(1)
            loss = (rec + kl).mean() / x[0].numel()
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); step += 1
            tot[0] += float(rec.mean()); tot[1] += float(kl.mean())
        s = vae_scores(model, Xva)
        hist.append({"epoch": ep, "rec": tot[0] / spe, "kl": tot[1] / spe, "val_mse_median": float(np.median(s["mse"])),
                     "val_negElbo_median": float(np.median(s["negElbo"])), "seconds": time.time() - t0})
        log(f"vae epoch {ep}/{a.epochs} rec {tot[0] / spe:.1f} kl {tot[1] / spe:.1f} {time.time() - t0:.0f}s | "
            f"val normals median mse {np.median(s['mse']):.5f} kl {np.median(s['kl']):.1f} negElbo {np.median(s['negElbo']):.1f}")
    os.makedirs(WEIGHTS, exist_ok=True)
    torch.save({k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()}, VAE_FILE)
    save_json(os.path.join(CACHE, "logs", "train_vae.json"), {"history": hist})


if __name__ == "__main__":
    main()
