import numpy as np


def rankdata(a):
    """Average ranks (1-based), ties averaged, like scipy.stats.rankdata(method='average')."""
    a = np.asarray(a, np.float64)
    sorter = np.argsort(a, kind="mergesort")
    inv = np.empty(sorter.size, np.intp); inv[sorter] = np.arange(sorter.size)
    s = a[sorter]
    obs = np.r_[True, s[1:] != s[:-1]]
    dense = obs.cumsum()[inv]
    count = np.r_[np.nonzero(obs)[0], len(obs)]
    return 0.5 * (count[dense] + count[dense - 1] + 1)
