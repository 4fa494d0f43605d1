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
"""
import json

import numpy as np
from cvxopt import matrix, solvers

solvers.options.update({"show_progress": False, "abstol": 1e-9, "reltol": 1e-9, "feastol": 1e-9,
                        "maxiters": 200})


def maxmin_problem(ws):
    """Variables: rho, then per hidden layer per pair (lam, gam). Blocks: one per layer input."""
    layers = len(ws)
    names = ["rho"]
    index = {}
    for k in range(1, layers):
        for j in range(ws[k - 1].shape[0] // 2):
            index[(k, j, "lam")] = len(names); names.append("lam")
            index[(k, j, "gam")] = len(names); names.append("gam")
    nvar = len(names)

    def t_coeffs(k):
        """T_k as a list of (variable, matrix) pairs."""
        n = ws[k - 1].shape[0]
        out = []
        for j in range(n // 2):
            e = np.zeros((n, n)); e[2 * j, 2 * j] = e[2 * j + 1, 2 * j + 1] = 1
            f = np.zeros((n, n)); f[2 * j:2 * j + 2, 2 * j:2 * j + 2] = 1
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
    main()
