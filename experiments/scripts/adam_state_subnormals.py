#!/usr/bin/env python3
"""How much of a SAC/MBPO checkpoint's Adam state is subnormal (nonzero, below 1.18e-38 in float32).

lipreg's checkpoints write each optimizer's state as DJL-encoded arrays (NDSerializer: ..., the byte
'<', a big-endian int byte length, little-endian data). This finds the arrays of the flat networks'
lengths (67,329 floats for a 256x256 critic on Pendulum, 67,330 for its actor; change with --sizes)
and prints, for each, its subnormal and zero fractions: first moment m (signed), then the second
moment v (non-negative), per network. With --npz OUT it also writes them (m0, v0, m1, v1, ...) for
experiments/scripts/AdamSubnormal.java to time Adam on.

Usage: python3 experiments/scripts/adam_state_subnormals.py RUN/checkpoints/checkpoint-5000.ckpt [--npz OUT.npz]
(numpy only; it reads the file, never writes to it).
"""
import argparse
import struct

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("checkpoint")
parser.add_argument("--sizes", default="67329,67330")
parser.add_argument("--npz")
args = parser.parse_args()
data = open(args.checkpoint, "rb").read()
tiny = np.finfo(np.float32).tiny
found = []
for n in (int(s) for s in args.sizes.split(",")):
    marker = b"<" + struct.pack(">i", n * 4)
    i = data.find(marker)
    while i >= 0:
        found.append((i, np.frombuffer(data[i + 5:i + 5 + n * 4], dtype="<f4")))
        i = data.find(marker, i + 5)
found.sort(key=lambda f: f[0])
arrays = {}
moments = {"m": 0, "v": 0}
for _, a in found:
    kind = "v" if (a >= 0).all() else "m"
    name = "%s%d" % (kind, moments[kind])
    moments[kind] += 1
    arrays[name] = a
    subnormal = np.count_nonzero((a != 0) & (np.abs(a) < tiny))
    print("%s (%d floats): subnormal %.4f, zero %.4f, max |x| %.3g" % (name, a.size, subnormal / a.size,
                                                                   np.count_nonzero(a == 0) / a.size, np.abs(a).max()))
if args.npz:
    np.savez(args.npz, **arrays)
