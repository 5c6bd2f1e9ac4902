"""Images that are not chest X-rays, for calibrating and checking the 'cannot analyse' gate:
the 31 images of <ood>/images plus images generated here (uniform, gradients, noise, smooth random fields,
rendered text, patterns, shapes, colour). Two generated sets with different seeds and parameter draws:
'calib' (used to check the bounds while choosing features) and 'holdout' (only reported)."""
import glob, os, string
import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageFilter

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation"]


def _fonts():
    fs = []
    for d in FONT_DIRS:
        fs += sorted(glob.glob(os.path.join(d, "*.ttf")))
    return fs


def _size(rng):
    return int(rng.choice([96, 160, 224, 300, 512, 640, 1024])), int(rng.choice([96, 160, 224, 256, 480, 512, 768]))


def _smooth_field(rng, h, w, scale):
    small = rng.standard_normal((max(2, h // scale), max(2, w // scale))).astype(np.float32)
    im = Image.fromarray(small, "F").resize((w, h), Image.BICUBIC)
    a = np.asarray(im)
    a = (a - a.min()) / (np.ptp(a) + 1e-9)
    return a


def _text_image(rng, w, h, fonts, invert=False):
    bg, fg = (255, 0) if not invert else (0, 255)
    im = Image.new("L", (w, h), bg)
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(fonts[int(rng.integers(len(fonts)))], int(rng.integers(10, max(12, h // 6))))
    y = int(rng.integers(0, 10))
    words = ["chest", "report", "patient", "lorem", "ipsum", "dolor", "sit", "amet", "figure", "table", "the",
             "analysis", "result", "image", "data", "2020", "study", "clinical", "normal", "value"]
    while y < h:
        line = " ".join(rng.choice(words, int(rng.integers(3, 12))))
        d.text((int(rng.integers(0, 12)), y), line, fill=fg, font=font)
        y += int(font.size * 1.4)
    return im


def generated(seed=1, n_per_kind=3):
    """Returns a list of (name, PIL.Image)."""
    rng = np.random.default_rng(seed)
    fonts = _fonts()
    out = []
    for k in range(n_per_kind):
        w, h = _size(rng)
        lvl = int(rng.integers(0, 256))
        out.append((f"uniform-grey-{lvl}", Image.new("L", (w, h), lvl)))
        out.append((f"uniform-colour-{k}", Image.new("RGB", (w, h), tuple(int(v) for v in rng.integers(0, 256, 3)))))
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        lo, hi = sorted(rng.integers(0, 256, 2)); hi = max(hi, lo + 40)
        ang = rng.uniform(0, np.pi)
        g = (xx / w) * np.cos(ang) + (yy / h) * np.sin(ang); g = (g - g.min()) / (np.ptp(g) + 1e-9)
        out.append((f"gradient-linear-{k}", Image.fromarray(np.clip(lo + g * (hi - lo), 0, 255).astype(np.uint8))))
        r = np.sqrt((xx - w * rng.uniform(0.3, 0.7)) ** 2 + (yy - h * rng.uniform(0.3, 0.7)) ** 2); r = r / r.max()
        out.append((f"gradient-radial-{k}", Image.fromarray(np.clip(lo + r * (hi - lo), 0, 255).astype(np.uint8))))
        noisy = np.clip(lo + g * (hi - lo) + rng.normal(0, rng.uniform(3, 15), g.shape), 0, 255)
        out.append((f"gradient-noise-{k}", Image.fromarray(noisy.astype(np.uint8))))
        c0, c1 = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        cg = (c0[None, None] * (1 - g[..., None]) + c1[None, None] * g[..., None])
        out.append((f"gradient-colour-{k}", Image.fromarray(cg.astype(np.uint8), "RGB")))
        out.append((f"noise-gauss-{k}", Image.fromarray(np.clip(rng.normal(rng.uniform(60, 190), rng.uniform(10, 80), (h, w)), 0, 255).astype(np.uint8))))
        out.append((f"noise-uniform-{k}", Image.fromarray(rng.integers(0, 256, (h, w)).astype(np.uint8))))
        out.append((f"noise-colour-{k}", Image.fromarray(rng.integers(0, 256, (h, w, 3)).astype(np.uint8), "RGB")))
        sp = np.full((h, w), int(rng.integers(0, 256)), np.uint8); m = rng.random((h, w))
        sp[m < 0.05] = 0; sp[m > 0.95] = 255
        out.append((f"noise-saltpepper-{k}", Image.fromarray(sp)))
        for sc in (4, 16, 48):
            f = _smooth_field(rng, h, w, int(sc * rng.uniform(0.7, 1.5)))
            out.append((f"smooth-field-{sc}-{k}", Image.fromarray((f * 255).astype(np.uint8))))
        out.append((f"text-{k}", _text_image(rng, w, h, fonts)))
        out.append((f"text-inverse-{k}", _text_image(rng, w, h, fonts, invert=True)))
        period = int(rng.integers(4, 40))
        cb = (((xx // period) + (yy // period)) % 2 * 255).astype(np.uint8)
        out.append((f"checkerboard-{k}", Image.fromarray(cb)))
        st = (127 + 127 * np.sin(2 * np.pi * (xx * np.cos(ang) + yy * np.sin(ang)) / (period * 2))).astype(np.uint8)
        out.append((f"stripes-{k}", Image.fromarray(st)))
        ring = (127 + 127 * np.sin(2 * np.pi * r * rng.uniform(4, 30))).astype(np.uint8)
        out.append((f"rings-{k}", Image.fromarray(ring)))
        im = Image.new("RGB", (w, h), tuple(int(v) for v in rng.integers(0, 256, 3))); d = ImageDraw.Draw(im)
        for _ in range(int(rng.integers(5, 30))):
            x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
            x1, y1 = x0 + int(rng.integers(5, w // 2 + 6)), y0 + int(rng.integers(5, h // 2 + 6))
            col = tuple(int(v) for v in rng.integers(0, 256, 3))
            (d.ellipse if rng.random() < 0.5 else d.rectangle)([x0, y0, x1, y1], fill=col)
        out.append((f"shapes-colour-{k}", im))
        out.append((f"shapes-grey-{k}", im.convert("L")))
        out.append((f"shapes-blurred-{k}", im.convert("L").filter(ImageFilter.GaussianBlur(rng.uniform(2, 8)))))
        bars = np.zeros((h, w, 3), np.uint8)
        cols = rng.integers(0, 256, (8, 3))
        for i in range(8):
            bars[:, i * w // 8:(i + 1) * w // 8] = cols[i]
        out.append((f"colour-bars-{k}", Image.fromarray(bars, "RGB")))
    return out


def folder(path):
    """(name, PIL.Image) for every image file in a folder."""
    out = []
    for p in sorted(glob.glob(os.path.join(path, "*"))):
        try:
            im = Image.open(p); im.load()
            out.append((os.path.basename(p), im))
        except Exception:
            pass
    return out
