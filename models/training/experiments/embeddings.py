"""The pooled embedding of a trained member (global average of its last feature map) for cached images."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import numpy as np, torch
from members import MEMBERS, load_trained
from augment import to_spec


@torch.no_grad()
def member_embeddings(name, X, idx, batch=256):
    """Embeddings [len(idx), D] of member `name` for rows `idx` of the cached grey images X (0..255)."""
    m = load_trained(name)
    spec = MEMBERS[name]["input"]
    out = []
    for i in range(0, len(idx), batch):
        x = torch.from_numpy(X[idx[i:i + batch]]).unsqueeze(1) / 255.0
        out.append(m.backbone(to_spec(x, spec)).mean((2, 3)).numpy())
    return np.concatenate(out)
