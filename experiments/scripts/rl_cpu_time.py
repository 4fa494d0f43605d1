"""Thread CPU time per SAC update and MBPO model step in PyTorch eager, the peer of RlCpuTime.java.

Usage (repo root): OMP_NUM_THREADS=1 /usr/bin/python3 experiments/scripts/rl_cpu_time.py
"""
import sys, time, statistics, torch
sys.path.insert(0, "experiments/scripts")
import sac_update_torch as m
torch.set_num_threads(1); torch.manual_seed(1)
g = torch.Generator().manual_seed(1)
sac = m.Sac(3, 1, [256, 256]); b = m.pendulum_batch(256, g)
s, a, r, s2, _ = m.pendulum_batch(2000, g)
x, y = torch.cat([s, a], 1), torch.cat([r, s2 - s], 1)
model = m.Ensemble(4, 4)
for _ in range(30): sac.update(*b)
model.train(x, y, 10, g)
ts, tm = [], []
for k in range(5):
    t0 = time.thread_time()
    for _ in range(100): sac.update(*b)
    t1 = time.thread_time()
    model.train(x, y, 50, g)
    t2 = time.thread_time()
    ts.append((t1 - t0) * 1e3 / 100); tm.append((t2 - t1) * 1e3 / 50)
print("cpu ms: sac %.3f, mbpo-model %.3f" % (statistics.median(ts), statistics.median(tm)))
