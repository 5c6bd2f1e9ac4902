"""X-ray-suited batch augmentation on [0,1] grey tensors (N,1,H,W): small rotation / scale / translation
(zero fill), brightness / contrast / gamma, occasional resolution degradation (down- then up-sampling, so
sharpness does not give the source away), light noise. No horizontal flip (anatomy is not symmetric)."""
import math
import torch
import torch.nn.functional as F


def augment(x, g, rot_deg=8.0, scale=(0.9, 1.12), shift=0.06, p_lowres=0.3):
    n, _, h, w = x.shape
    r = lambda *s: torch.rand(*s, generator=g)
    ang = (r(n) * 2 - 1) * math.radians(rot_deg)
    sc = scale[0] + r(n) * (scale[1] - scale[0])
    tx, ty = (r(n) * 2 - 1) * shift * 2, (r(n) * 2 - 1) * shift * 2      # grid units: [-1,1] spans the image
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    # resolution degradation for a random subset (whole batch share one size for speed)
    if float(r(1)) < p_lowres:
        s = int(48 + float(r(1)) * 48)
        x = F.interpolate(F.interpolate(x, size=(s, s), mode="bilinear", align_corners=False, antialias=True),
                          size=(h, w), mode="bilinear", align_corners=False)
    # intensity: contrast around the image mean, brightness, gamma
    c = (0.75 + r(n, 1, 1, 1) * 0.5)
    b = (r(n, 1, 1, 1) * 2 - 1) * 0.08
    m = x.mean((2, 3), keepdim=True)
    x = ((x - m) * c + m + b).clamp(0, 1)
    gam = torch.exp((r(n, 1, 1, 1) * 2 - 1) * 0.25)
    x = x.clamp_min(1e-6) ** gam
    noise = (r(n, 1, 1, 1) < 0.2).float() * 0.02
    x = (x + noise * torch.randn(x.shape, generator=g)).clamp(0, 1)
    return x


def to_spec(x01, spec):
    """[0,1] grey batch -> model units per InputSpec (valueRange, mean/std), channels replicated."""
    lo, hi = spec.get("valueRange", [0.0, 1.0])
    v = x01 * (hi - lo) + lo
    c = int(spec.get("channels", 1))
    if c != 1:
        v = v.repeat(1, c, 1, 1)
    if "mean" in spec:
        m = torch.tensor(spec["mean"], dtype=v.dtype).view(1, -1, 1, 1)
        s = torch.tensor(spec["std"], dtype=v.dtype).view(1, -1, 1, 1)
        v = (v - m) / s
    return v
