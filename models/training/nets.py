"""Network definitions: Tiny Darknet, MobileNetV2-0.35 (Keras layout), a small ResNet, the conv VAE,
and the export wrapper that adds CAM, embedding and in-graph Mahalanobis distance."""
import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------- Tiny Darknet
# (filters, kernel) per conv; 'M' = 2x2 max-pool stride 2. Keras 'same' padding, BN eps 1e-3, LeakyReLU 0.1
DARKNET_CFG = [(16, 3), 'M', (32, 3), 'M', (16, 1), (128, 3), (16, 1), (128, 3), 'M', (32, 1), (256, 3),
               (32, 1), (256, 3), 'M', (64, 1), (512, 3), (64, 1), (512, 3), (128, 1)]


class ConvBNLeaky(nn.Sequential):
    def __init__(self, cin, cout, k):
        super().__init__(nn.Conv2d(cin, cout, k, 1, k // 2, bias=False), nn.BatchNorm2d(cout, eps=1e-3),
                         nn.LeakyReLU(0.1))


class TinyDarknetImageNet(nn.Module):
    """Complete ImageNet classifier (for the conversion check): RGB [0,1] input."""
    def __init__(self, in_ch=3):
        super().__init__()
        layers, c = [], in_ch
        for item in DARKNET_CFG:
            if item == 'M':
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers.append(ConvBNLeaky(c, item[0], item[1])); c = item[0]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Conv2d(c, 1000, 1, bias=True)

    def forward(self, x):
        return self.classifier(self.features(x)).mean((2, 3))


class TinyDarknetBackbone(nn.Module):
    """Tiny Darknet up to the last 3x3 conv (512 ch, stride 16); 1-channel input (RGB kernels summed)."""
    out_channels = 512

    def __init__(self):
        super().__init__()
        layers, c = [], 1
        for item in DARKNET_CFG[:-1]:          # drop the final 1x1 (128) conv
            if item == 'M':
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers.append(ConvBNLeaky(c, item[0], item[1])); c = item[0]
        self.features = nn.Sequential(*layers)

    def forward(self, x):
        return self.features(x)

    def forward_low(self, x):
        """(last feature map, early feature map after conv1-pool-conv2: 32 ch at 1/2 size)."""
        low = self.features[:3](x)
        return self.features[3:](low), low


# ---------------------------------------------------------------- MobileNetV2 (Keras layout)
class ConvBNReLU6(nn.Sequential):
    def __init__(self, cin, cout, k=1, stride=1, groups=1, keras_pad=False, act=True):
        mods = []
        if k == 3:     # index 0 is always the (possibly identity) padding so state-dict keys do not depend on stride
            if stride == 2 and keras_pad:
                mods.append(nn.ZeroPad2d((0, 1, 0, 1)))   # Keras 'correct_pad' for even inputs
                pad = 0
            else:
                mods.append(nn.Identity())
                pad = 1
        else:
            pad = 0
        mods += [nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=False), nn.BatchNorm2d(cout, eps=1e-3)]
        if act:
            mods.append(nn.ReLU6())
        super().__init__(*mods)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand, keras_pad=True):
        super().__init__()
        hid = cin * expand
        mods = []
        if expand != 1:
            mods.append(ConvBNReLU6(cin, hid, 1))
        mods.append(ConvBNReLU6(hid, hid, 3, stride, groups=hid, keras_pad=keras_pad))
        mods.append(ConvBNReLU6(hid, cout, 1, act=False))
        self.conv = nn.Sequential(*mods)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.conv(x)
        return x + y if self.residual else y


# (expand t, out c, stride) per block for alpha 0.35: Keras block_0 .. block_16
MOBILENET_BLOCKS = [(1, 8, 1), (6, 8, 2), (6, 8, 1), (6, 16, 2), (6, 16, 1), (6, 16, 1), (6, 24, 2), (6, 24, 1),
                    (6, 24, 1), (6, 24, 1), (6, 32, 1), (6, 32, 1), (6, 32, 1), (6, 56, 2), (6, 56, 1), (6, 56, 1),
                    (6, 112, 1)]


class MobileNetV2Backbone(nn.Module):
    """MobileNetV2-0.35 up to out_relu (1280 ch). last_stride=1 turns block_13's stride 2 into 1
    (stride 16 instead of 32: 8x8 CAMs at 128 px)."""
    out_channels = 1280

    def __init__(self, in_ch=1, last_stride=2):
        super().__init__()
        self.stem = ConvBNReLU6(in_ch, 16, 3, 2, keras_pad=True)
        blocks, c = [], 16
        for i, (t, co, s) in enumerate(MOBILENET_BLOCKS):
            if i == 13 and last_stride == 1:
                s = 1
            blocks.append(InvertedResidual(c, co, s, t)); c = co
        self.blocks = nn.Sequential(*blocks)
        self.head = ConvBNReLU6(c, 1280, 1)

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))

    def forward_low(self, x):
        """(last feature map, stem output: 16 ch at 1/2 size)."""
        low = self.stem(x)
        return self.head(self.blocks(low)), low


# ---------------------------------------------------------------- small ResNet from scratch
class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); self.b2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (x if self.short is None else self.short(x)))


class SmallResNet(nn.Module):
    """ResNet-style net from scratch for 1 x 128 x 128 input, stride 16, 192-ch last map."""
    out_channels = 192

    def __init__(self, widths=(24, 48, 96, 192)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                                  nn.Conv2d(16, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU())
        layers, c = [], widths[0]
        for i, w in enumerate(widths):
            layers.append(BasicBlock(c, w, 1 if i == 0 else 2)); c = w
            if i >= 1:
                layers.append(BasicBlock(c, w, 1))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(self.stem(x))

    def forward_low(self, x):
        """(last feature map, stem output: 24 ch at 1/2 size)."""
        low = self.stem(x)
        return self.layers(low), low


# ---------------------------------------------------------------- classifier + export wrapper
class Classifier(nn.Module):
    """Backbone + global average pool + linear: one logit per finding. parents[j] is the index of finding j's
    parent finding (-1: none). A sub-type's head is trained only on images where its parent is present, so its
    sigmoid is P(sub-type | parent); joint_probabilities() gives P(parent) * P(sub-type | parent) instead, which
    compares with the unconditional labels of all images (epoch selection)."""
    def __init__(self, backbone, n_out, dropout=0.2, parents=None):
        super().__init__()
        self.backbone = backbone
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(backbone.out_channels, n_out)
        parents = list(parents) if parents is not None else [-1] * n_out
        self.register_buffer("parent_index", torch.tensor([p if p >= 0 else j for j, p in enumerate(parents)]), persistent=False)
        self.register_buffer("has_parent", torch.tensor([1.0 if p >= 0 else 0.0 for p in parents]), persistent=False)

    def forward(self, x):
        f = self.backbone(x)
        e = f.mean((2, 3))
        return self.fc(self.drop(e))

    def joint_probabilities(self, logits):
        p = torch.sigmoid(logits)
        return p * (p[:, self.parent_index] * self.has_parent + (1 - self.has_parent))


def low_stats(low):
    """Per-channel mean and standard deviation of an early feature map: [N, 2C] (texture / 'style' statistics)."""
    m = low.mean((2, 3), keepdim=True)
    c = low - m                                   # two-pass variance: numerically stable across runtimes
    v = (c * c).mean((2, 3))
    return torch.cat([m.flatten(1), torch.sqrt(v + 1e-6)], 1)


class ExportMember(nn.Module):
    """Outputs probabilities [N,F], cam [N,F,h,w] (logit units: the map's mean is the logit), embedding [N,D]
    (global average of the last feature map), ood_distance [N] (Mahalanobis distance of the embedding to the
    train X-ray embeddings: || (e - mu) @ W ||, W = V diag(1/sqrt(lambda)) of the shrunk covariance) and, when
    low-level statistics are given, ood_texture [N] (the same distance for the per-channel mean/std of an early
    feature map)."""
    def __init__(self, clf, mu, whiten, mu_low=None, whiten_low=None):
        super().__init__()
        self.backbone = clf.backbone
        self.fc = clf.fc
        self.register_buffer("ood_mu", torch.as_tensor(mu, dtype=torch.float32).reshape(1, -1))
        self.register_buffer("ood_w", torch.as_tensor(whiten, dtype=torch.float32))
        self.has_low = mu_low is not None
        if self.has_low:
            self.register_buffer("low_mu", torch.as_tensor(mu_low, dtype=torch.float32).reshape(1, -1))
            self.register_buffer("low_w", torch.as_tensor(whiten_low, dtype=torch.float32))

    def forward(self, image):
        f, low = self.backbone.forward_low(image)                   # N,C,h,w ; early map
        emb = f.mean((2, 3))                                        # N,C
        logits = self.fc(emb)
        cam = torch.einsum("nchw,fc->nfhw", f, self.fc.weight) + self.fc.bias.view(1, -1, 1, 1)
        z = torch.matmul(emb - self.ood_mu, self.ood_w)
        dist = torch.sqrt((z * z).sum(1))
        if not self.has_low:
            return torch.sigmoid(logits), cam, emb, dist
        zl = torch.matmul(low_stats(low) - self.low_mu, self.low_w)
        return torch.sigmoid(logits), cam, emb, dist, torch.sqrt((zl * zl).sum(1))


# ---------------------------------------------------------------- conv VAE
class ConvVAE(nn.Module):
    """1 x 128 x 128 in [0,1]; 5 stride-2 convs to 4x4; latent Z; mirrored decoder with sigmoid output.
    forward() uses mu (no sampling) and returns reconstruction, mu, logvar."""
    def __init__(self, z=64, ch=(16, 32, 64, 96, 128)):
        super().__init__()
        enc, c = [], 1
        for w in ch:
            enc += [nn.Conv2d(c, w, 4, 2, 1), nn.BatchNorm2d(w), nn.LeakyReLU(0.2)]; c = w
        self.enc = nn.Sequential(*enc)
        self.fc_mu = nn.Linear(c * 16, z)
        self.fc_lv = nn.Linear(c * 16, z)
        self.fc_dec = nn.Linear(z, c * 16)
        dec = []
        rch = list(ch[::-1]) + [16]
        for i in range(len(ch) - 1):   # nearest 2x upsampling + 3x3 conv (ConvTranspose is slow on this CPU stack)
            dec += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(rch[i], rch[i + 1], 3, 1, 1),
                    nn.BatchNorm2d(rch[i + 1]), nn.LeakyReLU(0.2)]
        dec += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(ch[0], 1, 3, 1, 1)]   # last stage: 16 -> 1 at full size
        self.dec = nn.Sequential(*dec)
        self.c_last = c

    def encode(self, x):
        h = self.enc(x).flatten(1)
        return self.fc_mu(h), self.fc_lv(h)

    def decode(self, z):
        h = self.fc_dec(z).view(-1, self.c_last, 4, 4)
        return torch.sigmoid(self.dec(h))

    def forward(self, image, sample=False):
        mu, logvar = self.encode(image)
        z = mu
        if sample:
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode(z), mu, logvar
