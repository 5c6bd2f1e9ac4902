"""Training-step cost per image (forward + backward + AdamW step, batch 64, random data, 128 px) of each member.
Run it with and without the allocator settings train_all.py sets, to see what they save:
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/experiments/train_step_bench.py
  MALLOC_MMAP_THRESHOLD_=17179869184 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=1073741824 \\
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/experiments/train_step_bench.py
"""
import argparse, os, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import torch
from members import MEMBERS, build


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--members", default=",".join(MEMBERS))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for name in a.members.split(","):
        m = build(name, pretrained=False).to(memory_format=torch.channels_last)
        opt = torch.optim.AdamW(m.parameters(), 1e-3)
        x = torch.randn(64, 1, a.size, a.size).contiguous(memory_format=torch.channels_last)
        for i in range(6):                       # 2 warm-up steps, 4 timed
            if i == 2:
                t0, c0 = time.time(), os.times()
            loss = m(x).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
        c1 = os.times()
        print(f"{name} {a.size} px: {(time.time() - t0) / 4 / 64 * 1000:.1f} ms per image per step, "
              f"system CPU {c1.system - c0.system:.1f} s of {c1.user - c0.user + c1.system - c0.system:.1f} s", flush=True)


if __name__ == "__main__":
    main()
