"""The step of MlpStepDjl.java in PyTorch eager: 4 -> 256 -> 256 -> 1 with ReLU, batch 256,
loss mean(y^2); forward and backward timed apart, three rounds of 300 after 50 to warm up.
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 experiments/scripts/mlp_step_torch.py
(Debian's python3-torch 1.13.1 with libopenblas0-pthread, as sac_update_torch.py.)"""
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(4, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(),
                          torch.nn.Linear(256, 1))
x = torch.randn(256, 4)


def run(steps):
    forward = backward = 0.0
    for _ in range(steps):
        t0 = time.perf_counter()
        loss = net(x).square().mean()
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        forward += t1 - t0
        backward += t2 - t1
        for p in net.parameters():
            p.grad = None
    return forward / steps * 1e3, backward / steps * 1e3


run(50)
for _ in range(3):
    print("torch %s forward %.3f ms backward %.3f ms" % (torch.__version__, *run(300)))
