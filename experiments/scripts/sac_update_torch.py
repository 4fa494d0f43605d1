#!/usr/bin/env python3
"""One SAC update in PyTorch eager, timed like `lipreg bench rl --sections sac`.

The peer of lipreg's SacAgent.update: Pendulum sizes (observation 3, action 1), a tanh-Gaussian
actor and two Q networks (256x256 ReLU MLPs by default) with Polyak-averaged targets, a learned
temperature with target entropy -dim(A), Adam (lr 3e-4) for all three, gamma 0.99, tau 0.005:

  y      = r + gamma (1 - d) (min_i Q'_i(s', a') - alpha log pi(a'|s')),  a' ~ pi(s')
  critic = 1/2 sum_i mean (Q_i(s, a) - y)^2
  actor  = mean (alpha log pi(a|s) - min_i Q_i(s, a)),                   a ~ pi(s), reparameterized
  alpha  = -mean (log alpha (log pi(a|s) + target entropy))
  Q'_i  <- tau Q_i + (1 - tau) Q'_i

As lipreg does, the actor step freezes the critics' weights (they get no gradient) and only the
critic loss is read back per update. Fixed random batches in Pendulum's ranges are cycled.
Prints one CSV line per round: torch,<round>,<updates/s>,<ms/update>, then the median.

--sections mbpo-model (or sac,mbpo-model) also times MBPO's dynamics-model step as
`lipreg bench rl --sections mbpo-model` does: an ensemble of 7 Gaussian MLPs 200x200x200 from
(s, a) to (r, s' - s), log-variances softly bounded by learned bounds, each member on its own batch
of 256 from 2,000 standardized transitions (10 % held out), the members' losses summed, one
backward, Adam lr 1e-3; each round is one train() call of --updates steps followed by the
held-out scoring of every member, as lipreg's train() does. Lines: mbpo-model,<round>,<steps/s>,
<ms/step>, then median,mbpo-model,...

Usage: /usr/bin/python3 experiments/scripts/sac_update_torch.py [--rounds 5] [--updates 100]
       [--sections sac,mbpo-model]
(Debian's python3-torch; one intra-op thread unless --threads says otherwise.)
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LOG_STD_MIN, LOG_STD_MAX = -20.0, 2.0


def mlp(inputs, hidden, outputs):
    layers, width = [], inputs
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, outputs))
    return nn.Sequential(*layers)


class Sac:
    def __init__(self, obs, act, hidden, lr=3e-4, gamma=0.99, tau=0.005):
        self.actor = mlp(obs, hidden, 2 * act)
        self.q = [mlp(obs + act, hidden, 1) for _ in range(2)]
        self.q_target = [mlp(obs + act, hidden, 1) for _ in range(2)]
        for q, t in zip(self.q, self.q_target):
            t.load_state_dict(q.state_dict())
            t.requires_grad_(False)
        self.log_alpha = torch.zeros(1, requires_grad=True)
        self.actor_opt = torch.optim.Adam(self.actor.parameters(), lr=lr)
        self.critic_opt = torch.optim.Adam([p for q in self.q for p in q.parameters()], lr=lr)
        self.alpha_opt = torch.optim.Adam([self.log_alpha], lr=lr)
        self.gamma, self.tau, self.target_entropy, self.act = gamma, tau, -float(act), act

    def sample(self, s):
        out = self.actor(s)
        mean, log_std = out[:, :self.act], out[:, self.act:].clamp(LOG_STD_MIN, LOG_STD_MAX)
        noise = torch.randn_like(mean)
        u = mean + log_std.exp() * noise
        gaussian = -0.5 * noise.pow(2) - log_std - 0.5 * math.log(2 * math.pi)
        squash = 2 * (math.log(2) - u - F.softplus(-2 * u))
        return torch.tanh(u), (gaussian - squash).sum(1, keepdim=True)

    def update(self, s, a, r, s2, d):
        alpha = self.log_alpha.detach().exp()
        with torch.no_grad():
            a2, logp2 = self.sample(s2)
            sa2 = torch.cat([s2, a2], 1)
            next_q = torch.min(self.q_target[0](sa2), self.q_target[1](sa2))
            y = r + self.gamma * (1 - d) * (next_q - alpha * logp2)
        sa = torch.cat([s, a], 1)
        critic = 0.5 * (F.mse_loss(self.q[0](sa), y) + F.mse_loss(self.q[1](sa), y))
        self.critic_opt.zero_grad(set_to_none=True)
        critic.backward()
        self.critic_opt.step()

        for q in self.q:
            q.requires_grad_(False)
        a_new, logp = self.sample(s)
        sa_new = torch.cat([s, a_new], 1)
        actor = (alpha * logp - torch.min(self.q[0](sa_new), self.q[1](sa_new))).mean()
        temperature = -(self.log_alpha * (logp.detach() + self.target_entropy)).mean()
        self.actor_opt.zero_grad(set_to_none=True)
        self.alpha_opt.zero_grad(set_to_none=True)
        (actor + temperature).backward()
        self.actor_opt.step()
        self.alpha_opt.step()
        for q in self.q:
            q.requires_grad_(True)

        with torch.no_grad():
            for q, t in zip(self.q, self.q_target):
                for p, pt in zip(q.parameters(), t.parameters()):
                    pt.mul_(1 - self.tau).add_(p, alpha=self.tau)
        return critic.item()


def pendulum_batch(n, g):
    theta = (torch.rand(n, 1, generator=g) * 2 - 1) * math.pi
    speed = (torch.rand(n, 1, generator=g) * 2 - 1) * 8
    action = torch.rand(n, 1, generator=g) * 2 - 1
    next_speed = (speed + 0.05 * (15 * torch.sin(theta) + 6 * action)).clamp(-8, 8)
    next_theta = theta + 0.05 * next_speed
    s = torch.cat([theta.cos(), theta.sin(), speed], 1)
    s2 = torch.cat([next_theta.cos(), next_theta.sin(), next_speed], 1)
    r = -(theta ** 2 + 0.1 * speed ** 2 + 0.004 * action ** 2)
    return s, action, r, s2, torch.zeros(n, 1)


class Ensemble:
    """MBPO's probabilistic ensemble as lipreg's LearnedDynamics trains it."""

    def __init__(self, inputs, outputs, members=7, hidden=(200, 200, 200), lr=1e-3, batch=256):
        self.nets = nn.ModuleList(mlp(inputs, list(hidden), 2 * outputs) for _ in range(members))
        self.max = nn.Parameter(torch.full((members, outputs), 0.5))
        self.min = nn.Parameter(torch.full((members, outputs), -10.0))
        self.opt = torch.optim.Adam(list(self.nets.parameters()) + [self.max, self.min], lr=lr)
        self.out, self.batch = outputs, batch

    def bounded(self, raw, k):
        v = self.max[k] - F.softplus(self.max[k] - raw)
        return self.min[k] + F.softplus(v - self.min[k])

    def train(self, x, y, steps, g):
        x = (x - x.mean(0)) / x.std(0).clamp_min(1e-6)
        y = (y - y.mean(0)) / y.std(0).clamp_min(1e-6)
        order = torch.randperm(len(x), generator=g)
        held = order[: len(x) // 10]
        rows = order[len(x) // 10:]
        for _ in range(steps):
            total = 0
            for k, net in enumerate(self.nets):
                pick = rows[torch.randint(len(rows), (self.batch,), generator=g)]
                raw = net(x[pick])
                mean, logvar = raw[:, :self.out], self.bounded(raw[:, self.out:], k)
                nll = ((mean - y[pick]) ** 2 * torch.exp(-logvar) + logvar).mean()
                total = total + nll + 0.01 * (self.max[k].sum() - self.min[k].sum())
            self.opt.zero_grad(set_to_none=True)
            total.backward()
            self.opt.step()
        with torch.no_grad():
            errors = [((net(x[held])[:, :self.out] - y[held]) ** 2).mean().item() for net in self.nets]
        return sorted(errors)


def time_rounds(name, rounds, updates, run):
    per_update = []
    for r in range(rounds):
        start = time.perf_counter()
        run(updates)
        seconds = (time.perf_counter() - start) / updates
        per_update.append(seconds)
        print("%s,%d,%.2f,%.3f" % (name, r + 1, 1 / seconds, 1e3 * seconds), flush=True)
    if per_update:
        m = statistics.median(per_update)
        print("median,%s,%.2f,%.3f" % (name, 1 / m, 1e3 * m))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--updates", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--hidden", default="256,256")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--sections", default="sac")
    args = p.parse_args()
    sections = args.sections.split(",")
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    g = torch.Generator().manual_seed(1)
    hidden = [int(h) for h in args.hidden.split(",")]
    if "mbpo-model" in sections:
        s, a, r, s2, _ = pendulum_batch(2000, g)
        x, y = torch.cat([s, a], 1), torch.cat([r, s2 - s], 1)
        model = Ensemble(4, 4, batch=args.batch_size)
        model.train(x, y, max(5, args.updates // 4), g)  # warm-up
        time_rounds("mbpo-model", args.rounds, args.updates, lambda n: model.train(x, y, n, g))
    if "sac" not in sections:
        return
    sac = Sac(3, 1, hidden)
    batches = [pendulum_batch(args.batch_size, g) for _ in range(8)]
    for i in range(max(5, args.updates // 4)):  # warm-up
        sac.update(*batches[i % 8])
    print("# torch %s, intra-op threads %d, inter-op %d" % (torch.__version__, torch.get_num_threads(),
                                                          torch.get_num_interop_threads()))
    per_update = []
    k = 0
    for r in range(args.rounds):
        start = time.perf_counter()
        for _ in range(args.updates):
            sac.update(*batches[k % 8])
            k += 1
        seconds = (time.perf_counter() - start) / args.updates
        per_update.append(seconds)
        print("torch,%d,%.2f,%.3f" % (r + 1, 1 / seconds, 1e3 * seconds), flush=True)
    if per_update:
        m = statistics.median(per_update)
        print("median,torch,%.2f,%.3f" % (1 / m, 1e3 * m))


if __name__ == "__main__":
    main()
