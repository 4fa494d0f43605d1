#!/usr/bin/python3
"""Reference optima for LipSdpReferenceTest, from an interior-point solver outside lipreg.

Run:  apt-get install python3-cvxopt python3-numpy
      /usr/bin/python3 reference_lipsdp.py > reference_lipsdp.json

Five small fixed networks (numpy seed 19); for each, the l2 LipSDP problem written out here
independently of the Java code, in the textbook block forms:
  MaxMin (Pauli et al., ICLR 2024): T_k = blkdiag_j(lam_j I2 + gam_j 11^T), lam_j >= 0;
    rho I - W1^T T1 W1 >= 0,  T_{k-1} - W_k^T T_k W_k >= 0,  T_{L-1} - W_L^T W_L >= 0.
  ReLU (LipSDP-Neuron, Fazlyab et al. 2019, slope in [0, 1]): T_k = diag(t) >= 0, one block-
    tridiagonal matrix with diagonal blocks rho I, 2 T_k, 2 T_{L-1} - W_L^T W_L and
    off-diagonal blocks -T_k W_k.
minimize rho; the bound is sqrt(rho). Solved with cvxopt.solvers.sdp at tolerances 1e-9.

With the argument groupsort (> reference_groupsort.json, numpy seed 21): the same MaxMin problem
with groups of 3 or 4, T_k = blkdiag_j(lam_j I_n + gam_j 11^T).

With the argument residual (> reference_residual.json, numpy seed 22): residual MaxMin layers
h_k = h_{k-1} + MaxMin(W_k h_{k-1}) (biases do not matter), as the authors'
LipschitzEstimationRes.m writes it: with xi = (h_1, w_2, ..., w_{n-1}), v = Atilde xi,
w = Btilde xi, and the last state h_1 + sum w,
  [Atilde; Btilde]' [[T - 2S, S], [S, -T]] [Atilde; Btilde] + G <= 0   ('Pzero'),
  G = (sum of the blocks)'(sum) - blkdiag(rho I, 0),  S = blkdiag(s_j 11^T),
and the same without S ('PSzero'): "bound_without_p". ('PSnonzero' has the optimum of 'Pzero',
P and S being redundant beside gam.) With S the optimum is often approached only as multipliers
grow without bound, where cvxopt stops with status "unknown": "bound" is then null.
Here the weights are the residual layers only (the authors multiply by ||W_1|| ||W_n|| outside).

With the argument residual-relu (> reference_residual_relu.json, numpy seed 20): the paper's
baseline for MaxMin networks, layer by layer as the authors' LipschitzEstimation_ResReLU.m writes
it: per pair (a, b), r+ = ReLU(v_a - v_b), r- = ReLU(v_b - v_a), z = (v_b + r+, v_b - r-), i.e.
z = H v + G r, d = W1 v; a free symmetric Q_k per hidden layer carries the quadratic form to the
next layer:  [[Q_{k-1} - W'H'Q_kHW, -(W'W1'T + W'H'Q_kG)], [., 2T - G'Q_kG]] >= 0, T = diag(t) >= 0,
Q_0 = rho I, and Q_{L-1} - W_L'W_L >= 0.
"""
import sys
import json

import numpy as np
from cvxopt import matrix, solvers

solvers.options.update({"show_progress": False, "abstol": 1e-9, "reltol": 1e-9, "feastol": 1e-9,
                        "maxiters": 200})


def maxmin_problem(ws, ng=2):
    """Variables: rho, then per hidden layer per group of ng (lam, gam). Blocks: one per layer input."""
    layers = len(ws)
    names = ["rho"]
    index = {}
    for k in range(1, layers):
        for j in range(ws[k - 1].shape[0] // ng):
            index[(k, j, "lam")] = len(names); names.append("lam")
            index[(k, j, "gam")] = len(names); names.append("gam")
    nvar = len(names)

    def t_coeffs(k):
        """T_k as a list of (variable, matrix) pairs."""
        n = ws[k - 1].shape[0]
        out = []
        for j in range(n // ng):
            g = slice(ng * j, ng * j + ng)
            e = np.zeros((n, n)); e[g, g] = np.eye(ng)
            f = np.zeros((n, n)); f[g, g] = 1
            out.append((index[(k, j, "lam")], e)); out.append((index[(k, j, "gam")], f))
        return out

    blocks = []  # each: (constant, [(var, matrix)]) meaning constant + sum x_var matrix >= 0
    for k in range(1, layers + 1):
        w = ws[k - 1]
        n = w.shape[1]
        terms = []
        const = np.zeros((n, n))
        if k == 1:
            terms.append((0, np.eye(n)))
        else:
            terms += t_coeffs(k - 1)
        if k == layers:
            const -= w.T @ w
        else:
            terms += [(v, -w.T @ a @ w) for v, a in t_coeffs(k)]
        blocks.append((const, terms))
    nonneg = [i for i, s in enumerate(names) if s in ("rho", "lam")]
    return nvar, blocks, nonneg


def relu_problem(ws):
    layers = len(ws)
    widths = [ws[0].shape[1]] + [w.shape[0] for w in ws[:-1]]
    offsets = np.cumsum([0] + widths)
    n = offsets[-1]
    nvar = 1 + sum(widths[1:])
    const = np.zeros((n, n))
    terms = [(0, np.zeros((n, n)))]
    terms[0][1][:widths[0], :widths[0]] = np.eye(widths[0])
    v = 1
    for k in range(1, layers):
        w = ws[k - 1]
        for j in range(w.shape[0]):
            a = np.zeros((n, n))
            zj = offsets[k] + j
            a[zj, zj] = 2
            a[zj, offsets[k - 1]:offsets[k]] -= w[j]
            a[offsets[k - 1]:offsets[k], zj] -= w[j]
            terms.append((v, a)); v += 1
    wl = ws[-1]
    const[offsets[layers - 1]:, offsets[layers - 1]:] -= wl.T @ wl
    return nvar, [(const, terms)], list(range(nvar))


def residual_relu_problem(ws):
    """Variables: rho; per hidden layer k the ReLU multipliers t (two per pair), then Q_k (upper triangle)."""
    layers = len(ws)
    nvar = 1
    t_index, q_index = {}, {}
    for k in range(1, layers):
        n = ws[k - 1].shape[0]
        t_index[k] = list(range(nvar, nvar + n)); nvar += n
        q_index[k] = {}
        for i in range(n):
            for j in range(i, n):
                q_index[k][(i, j)] = nvar; nvar += 1

    def q_coeffs(k):
        n = ws[k - 1].shape[0]
        out = []
        for (i, j), var in q_index[k].items():
            e = np.zeros((n, n)); e[i, j] = e[j, i] = 1
            out.append((var, e))
        return out

    blocks = []
    for k in range(1, layers + 1):
        w = ws[k - 1]
        m = w.shape[1]
        prev = [(0, np.eye(m))] if k == 1 else q_coeffs(k - 1)
        if k == layers:
            blocks.append((-w.T @ w, prev))
            continue
        n = w.shape[0]
        pairs = n // 2
        w1 = np.kron(np.eye(pairs), [[1, -1], [-1, 1]])
        h = np.kron(np.eye(pairs), [[0, 1], [0, 1]])
        g = np.kron(np.eye(pairs), [[1, 0], [0, -1]])
        terms = []
        for var, a in prev:  # Q_{k-1} on the z_{k-1} block
            big = np.zeros((m + n, m + n)); big[:m, :m] = a
            terms.append((var, big))
        for i, var in enumerate(t_index[k]):  # t_i: 2 r_i^2 - 2 r_i d_i
            big = np.zeros((m + n, m + n))
            big[m + i, m + i] = 2
            row = (w1 @ w)[i]
            big[m + i, :m] -= row; big[:m, m + i] -= row
            terms.append((var, big))
        for var, q in q_coeffs(k):  # -z_k' Q_k z_k with z_k = [H W, G] (z_{k-1}, r)
            c = np.hstack([h @ w, g])
            terms.append((var, -c.T @ q @ c))
        blocks.append((np.zeros((m + n, m + n)), terms))
    nonneg = [0] + [v for k in t_index for v in t_index[k]]
    return nvar, blocks, nonneg


def groupsort_main():
    rng = np.random.default_rng(21)
    out = []
    for size, dims in ((3, [4, 6, 6, 2]), (4, [5, 8, 4, 3]), (3, [8, 3, 3, 2])):
        ws = [np.round(rng.standard_normal((dims[i + 1], dims[i])) / np.sqrt(dims[i]), 6) for i in range(len(dims) - 1)]
        primal, dual = solve(*maxmin_problem(ws, size))
        out.append({"activation": "groupsort", "size": size, "weights": [w.tolist() for w in ws],
                    "rho_primal": primal, "rho_dual": dual, "bound": float(np.sqrt(primal))})
    print(json.dumps({"solver": "cvxopt " + __import__("cvxopt").__version__, "networks": out}, indent=1))


def residual_problem(ws, with_s):
    """ws: the residual layers' square weights, all nx x nx. Variables: rho, then per pair lam, gam (, s)."""
    nx = ws[0].shape[0]
    layers = len(ws)
    nblocks = layers + 1  # h_1, then w per layer
    per_pair = 3 if with_s else 2
    nvar = 1 + per_pair * layers * (nx // 2)
    atilde = np.zeros((layers * nx, nblocks * nx))
    for r in range(layers):  # v_r = W_r (h_1 + w_1 + ... + w_{r-1})
        for c in range(r + 1):
            atilde[r * nx:(r + 1) * nx, c * nx:(c + 1) * nx] = ws[r]
    btilde = np.zeros((layers * nx, nblocks * nx))
    btilde[:, nx:] = np.eye(layers * nx)
    ab = np.vstack([atilde, btilde])
    total = np.hstack([np.eye(nx)] * nblocks)
    const = -(total.T @ total)  # -(h_final' h_final); the matrix below must be >= 0
    terms = []
    rho = np.zeros((nblocks * nx, nblocks * nx)); rho[:nx, :nx] = np.eye(nx)
    terms.append((0, rho))
    var = 1
    m = layers * nx
    for r in range(layers):
        for j in range(nx // 2):
            g = slice(r * nx + 2 * j, r * nx + 2 * j + 2)
            ident = np.zeros((m, m)); ident[g, g] = np.eye(2)
            ones = np.zeros((m, m)); ones[g, g] = 1
            z = np.zeros((m, m))
            # the constraint's middle matrix per variable: lam, gam in T; s in S
            mids = [np.block([[ident, z], [z, -ident]]), np.block([[ones, z], [z, -ones]])]
            if with_s:
                mids.append(np.block([[-2 * ones, ones], [ones, z]]))
            for mid in mids:
                terms.append((var, -(ab.T @ mid @ ab)))
                var += 1
    nonneg = [0] + [1 + per_pair * i for i in range(layers * (nx // 2))]
    return nvar, [(const, terms)], nonneg


def residual_main():
    rng = np.random.default_rng(22)
    out = []
    for nx, layers in ((4, 2), (6, 2), (4, 3), (4, 2)):
        ws = [np.round(0.5 * rng.standard_normal((nx, nx)) / np.sqrt(nx), 6) for _ in range(layers)]
        primal, dual = solve(*residual_problem(ws, False))
        entry = {"activation": "maxmin", "residual": True, "weights": [w.tolist() for w in ws],
                 "rho_without_p": primal, "bound_without_p": float(np.sqrt(primal)), "bound": None}
        try:
            primal, dual = solve(*residual_problem(ws, True))
            entry.update({"rho_primal": primal, "rho_dual": dual, "bound": float(np.sqrt(primal))})
        except AssertionError:
            pass
        out.append(entry)
    print(json.dumps({"solver": "cvxopt " + __import__("cvxopt").__version__, "networks": out}, indent=1))


def residual_relu_main():
    rng = np.random.default_rng(20)
    out = []
    for dims in ([3, 4, 4, 2], [4, 6, 3], [6, 4, 4, 2]):
        ws = [np.round(rng.standard_normal((dims[i + 1], dims[i])) / np.sqrt(dims[i]), 6) for i in range(len(dims) - 1)]
        primal, dual = solve(*residual_relu_problem(ws))
        out.append({"activation": "maxmin", "weights": [w.tolist() for w in ws], "rho_primal": primal,
                    "rho_dual": dual, "bound": float(np.sqrt(primal))})
    print(json.dumps({"solver": "cvxopt " + __import__("cvxopt").__version__, "networks": out}, indent=1))


def solve(nvar, blocks, nonneg):
    c = matrix(np.eye(nvar)[0])
    gs, hs = [], []
    for const, terms in blocks:
        n = const.shape[0]
        g = np.zeros((n * n, nvar))
        for var, a in terms:
            g[:, var] -= a.flatten(order="F")
        gs.append(matrix(g)); hs.append(matrix(const))
    gl = np.zeros((len(nonneg), nvar))
    for r, var in enumerate(nonneg):
        gl[r, var] = -1
    sol = solvers.sdp(c, Gl=matrix(gl), hl=matrix(np.zeros(len(nonneg))), Gs=gs, hs=hs)
    assert sol["status"] == "optimal", sol["status"]
    return sol["primal objective"], sol["dual objective"]


def main():
    rng = np.random.default_rng(19)
    # the last two are wider at the input than the first layer: lipreg solves those in reduced coordinates
    shapes = [("maxmin", [3, 4, 4, 2]), ("relu", [3, 5, 4, 2]), ("maxmin", [4, 6, 3]), ("maxmin", [9, 4, 4, 2]),
              ("relu", [7, 4, 3, 2])]
    out = []
    for act, dims in shapes:
        ws = [np.round(rng.standard_normal((dims[i + 1], dims[i])) / np.sqrt(dims[i]), 6) for i in range(len(dims) - 1)]
        problem = maxmin_problem(ws) if act == "maxmin" else relu_problem(ws)
        primal, dual = solve(*problem)
        out.append({"activation": act, "weights": [w.tolist() for w in ws], "rho_primal": primal,
                    "rho_dual": dual, "bound": float(np.sqrt(primal)),
                    "product_bound": float(np.prod([np.linalg.norm(w, 2) for w in ws]))})
    print(json.dumps({"solver": "cvxopt " + __import__("cvxopt").__version__, "networks": out}, indent=1))


if __name__ == "__main__":
    if sys.argv[1:] == ["residual-relu"]:
        residual_relu_main()
    elif sys.argv[1:] == ["residual"]:
        residual_main()
    elif sys.argv[1:] == ["groupsort"]:
        groupsort_main()
    else:
        main()
