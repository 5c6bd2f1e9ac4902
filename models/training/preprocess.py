"""Reference preprocessing of models/MANIFEST.md (the Java side ports exactly this).

1. decode to 8-bit grey: PIL convert("L") = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16, alpha ignored
2. geometry per resize rule ("stretch" | "center-crop" | "letterbox"), on float32 grey 0..255
3. resize with PIL's antialiased BILINEAR on mode "F" images (separable, horizontal then vertical,
   support scaled by the downscale factor, weights normalised, no rounding)
4. map 0..255 linearly onto valueRange, then (v - mean) / std per channel; NCHW float32
"""
import numpy as np
from PIL import Image


def decode_rgb8(path_or_image):
    im = path_or_image if isinstance(path_or_image, Image.Image) else Image.open(path_or_image)
    im.load()
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(im, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        a = np.zeros_like(a) if hi <= lo else (a - lo) * 255.0 / (hi - lo)
        g = np.clip(np.floor(a + 0.5), 0, 255).astype(np.uint8)
        return np.stack([g, g, g], -1)
    return np.asarray(im.convert("RGB"), dtype=np.uint8)


def decode_grey8(path_or_image):
    """8-bit grey image (H, W) uint8 exactly as PIL convert('L') (for L images: the pixels)."""
    im = path_or_image if isinstance(path_or_image, Image.Image) else Image.open(path_or_image)
    im.load()
    if im.mode == "L":
        return np.asarray(im, dtype=np.uint8).copy()
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return decode_rgb8(im)[..., 0].copy()
    if im.mode in ("RGB", "RGBA", "RGBX", "P", "PA", "LA", "1", "CMYK", "YCbCr"):
        if im.mode in ("LA",):
            return np.asarray(im.getchannel(0), dtype=np.uint8).copy()
        rgb = decode_rgb8(im).astype(np.uint32)
        return ((rgb[..., 0] * 19595 + rgb[..., 1] * 38470 + rgb[..., 2] * 7471 + 0x8000) >> 16).astype(np.uint8)
    return np.asarray(im.convert("L"), dtype=np.uint8).copy()


def saturation(rgb8):
    """input.saturation: mean of (max(R,G,B) - min(R,G,B)) / 255."""
    rgb = rgb8.astype(np.int32)
    return float(np.mean((rgb.max(-1) - rgb.min(-1)) / 255.0))


def resize_f(grey_f32, width, height):
    """PIL antialiased bilinear resize of a float32 image (mode 'F')."""
    im = Image.fromarray(np.ascontiguousarray(grey_f32, dtype=np.float32), mode="F")
    if im.size == (width, height):
        return np.asarray(im, dtype=np.float32).copy()
    return np.asarray(im.resize((width, height), Image.BILINEAR), dtype=np.float32).copy()


def geometry(grey8, height, width, resize="stretch"):
    """Steps 2-3: float32 grey 0..255, shape (height, width)."""
    g = grey8.astype(np.float32)
    h, w = g.shape
    if resize == "stretch":
        return resize_f(g, width, height)
    if resize == "center-crop":
        s = min(h, w)
        y0, x0 = (h - s) // 2, (w - s) // 2
        return resize_f(g[y0:y0 + s, x0:x0 + s], width, height)
    if resize == "letterbox":
        scale = min(width / w, height / h)
        nw, nh = max(1, int(round(w * scale))), max(1, int(round(h * scale)))
        r = resize_f(g, nw, nh)
        out = np.zeros((height, width), np.float32)
        y0, x0 = (height - nh) // 2, (width - nw) // 2
        out[y0:y0 + nh, x0:x0 + nw] = r
        return out
    raise ValueError(resize)


def to_tensor(geom_f32, spec):
    """Step 4: map 0..255 onto spec['valueRange'], mean/std, replicate channels -> (C, H, W) float32."""
    lo, hi = spec.get("valueRange", [0.0, 1.0])
    v = geom_f32.astype(np.float32) * np.float32((hi - lo) / 255.0) + np.float32(lo)
    c = int(spec.get("channels", 1))
    out = np.stack([v] * c, 0)
    if "mean" in spec:
        m = np.asarray(spec["mean"], np.float32).reshape(-1, 1, 1)
        s = np.asarray(spec["std"], np.float32).reshape(-1, 1, 1)
        out = (out - m) / s
    return out.astype(np.float32)


def preprocess(grey8, spec):
    return to_tensor(geometry(grey8, spec["height"], spec["width"], spec.get("resize", "stretch")), spec)


def grey_std(t, spec):
    """input.greyStd on the anomaly model's input tensor (C,H,W): channel 0, population std / range width."""
    lo, hi = spec.get("valueRange", [0.0, 1.0])
    x = t[0].astype(np.float64)
    return float(x.std() / (hi - lo))


def edge_mean(t, spec):
    """input.edgeMean: tensor scaled to [0,1] (valueRange), mean of |dx|+|dy| over pixels with right+lower neighbour."""
    lo, hi = spec.get("valueRange", [0.0, 1.0])
    x = (t[0].astype(np.float64) - lo) / (hi - lo)
    dx = np.abs(x[:-1, 1:] - x[:-1, :-1])
    dy = np.abs(x[1:, :-1] - x[:-1, :-1])
    return float(np.mean(dx + dy))


FLAT_EPS = 1.0 / 255.0


def flat_fraction(t, spec):
    """input.flatFraction: on the same [0,1]-scaled tensor as edgeMean, the fraction of pixels with a right and a
    lower neighbour where |x[i][j+1]-x[i][j]| + |x[i+1][j]-x[i][j]| < 1/255 (flat areas: drawings, documents,
    uniform or synthetic images; radiographs have almost none)."""
    lo, hi = spec.get("valueRange", [0.0, 1.0])
    x = (t[0].astype(np.float64) - lo) / (hi - lo)
    dx = np.abs(x[:-1, 1:] - x[:-1, :-1])
    dy = np.abs(x[1:, :-1] - x[:-1, :-1])
    return float(np.mean((dx + dy) < FLAT_EPS))
