#!/usr/bin/env python3
"""Converts cnn_maxpool_bn.onnx to lipreg's npz/json network format, without lipreg.

OnnxAndNpzBoundsTest compares the bounds of the network that lipreg's OnnxReader imports from
cnn_maxpool_bn.onnx with those of the network that NetworkFiles reads from the files written
here. So that a bug in lipreg's ONNX import cannot hide in both, this script reads the ONNX file
with the `onnx` package alone and does every conversion itself in numpy:

  Sub, Div by per-channel constants (input normalization) -> one channel_affine
  Conv                -> conv2d (a missing bias is zeros; symmetric pads only)
  Relu                -> relu (negative_slope 0)
  MaxPool             -> maxpool2d (ceil_mode 0, no dilation, symmetric pads)
  BatchNormalization  -> channel_affine, scale = gamma / sqrt(var + eps), shift = beta - mean * scale
                         (PyTorch's exporter already folded the batch norms that follow a conv;
                         the one after the max pooling is the only BatchNormalization node)
  GlobalAveragePool   -> avgpool2d with kernel = stride = (H, W), padding 0
  Flatten (axis 1)    -> flatten
  Gemm                -> dense, weight alpha * B (transposed unless transB), bias beta * C

Any other node type, or an attribute value outside these cases, stops the script with an error.
The graph must be one chain from its one input to its one output. Arrays are written as float64
(the float32 initializers widened exactly, then folded in float64), named layers.<i>.<field>.

As a check independent of lipreg, the script then runs its own float64 numpy forward of the
written network on the five inputs of cnn_maxpool_bn.json and compares it with PyTorch's float32
outputs stored there (to 1e-5).

Run from this folder with Debian's python3-onnx (1.12.0) and python3-numpy (1.24.2):
    /usr/bin/python3 onnx_to_npz.py
It writes cnn_maxpool_bn_reference.npz and cnn_maxpool_bn_reference.json.
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper

SOURCE = "cnn_maxpool_bn.onnx"
BASE = "cnn_maxpool_bn_reference"


def fail(message):
    sys.exit("onnx_to_npz: " + message)


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def check_attrs(node, allowed):
    extra = set(attrs(node)) - set(allowed)
    if extra:
        fail(f"{node.op_type} node {node.name!r} has attributes {sorted(extra)} this script does not read")


def pair_pads(node, pads):
    pads = list(pads)
    if len(pads) != 4 or pads[0:2] != pads[2:4]:
        fail(f"{node.op_type} node {node.name!r}: asymmetric or non-2-d pads {pads}")
    return pads[0:2]


def convert(model):
    graph = model.graph
    inits = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in graph.initializer}
    graph_inputs = [i for i in graph.input if i.name not in inits]
    if len(graph_inputs) != 1 or len(graph.output) != 1:
        fail("expected one graph input and one graph output")
    dims = graph_inputs[0].type.tensor_type.shape.dim
    shape = [d.dim_value for d in dims[1:]]  # without the batch axis
    if len(shape) != 3 or min(shape) < 1:
        fail(f"expected an image input (batch, C, H, W), got {dims}")
    input_shape = list(shape)

    def const(name):
        if name not in inits:
            fail(f"{name!r} is not an initializer")
        return inits[name]

    layers = []   # (json dict without array names, {field: array})
    current = graph_inputs[0].name
    for node in graph.node:
        op = node.op_type
        if node.domain not in ("", "ai.onnx"):
            fail(f"node {node.name!r} of domain {node.domain!r}")
        if not node.input or node.input[0] != current:
            fail(f"node {node.name!r} ({op}) does not continue the chain from {current!r}")
        if len(node.output) != 1:
            fail(f"node {node.name!r} ({op}) has {len(node.output)} outputs")
        a = attrs(node)
        c = shape[0]
        if op in ("Sub", "Div"):
            check_attrs(node, [])
            k = const(node.input[1])
            if k.size != c or (k.ndim == 4 and k.shape[1] != c) or k.ndim not in (1, 4):
                fail(f"{op} node {node.name!r}: constant of shape {k.shape} is not per channel of {c}")
            k = np.broadcast_to(k.reshape(-1), (c,)).astype(np.float64)
            # Compose with a channel affine right before (the input normalization's Sub).
            if layers and layers[-1][0]["type"] == "channel_affine" and layers[-1][0].get("arith"):
                scale, shift = layers[-1][1]["scale"], layers[-1][1]["shift"]
            else:
                scale, shift = np.ones(c), np.zeros(c)
                layers.append(({"type": "channel_affine", "arith": True}, None))
            if op == "Sub":
                shift = shift - k
            else:
                if np.any(k == 0):
                    fail(f"Div node {node.name!r} by zero")
                scale, shift = scale / k, shift / k
            layers[-1] = (layers[-1][0], {"scale": scale, "shift": shift})
        elif op == "Conv":
            check_attrs(node, ["dilations", "group", "kernel_shape", "pads", "strides", "auto_pad"])
            if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                fail(f"Conv node {node.name!r}: auto_pad {a['auto_pad']}")
            w = const(node.input[1])
            if w.ndim != 4:
                fail(f"Conv node {node.name!r}: weight of shape {w.shape}")
            groups = int(a.get("group", 1))
            if w.shape[1] * groups != c:
                fail(f"Conv node {node.name!r}: weight {w.shape} with {groups} groups on {c} channels")
            if "kernel_shape" in a and list(a["kernel_shape"]) != list(w.shape[2:]):
                fail(f"Conv node {node.name!r}: kernel_shape {a['kernel_shape']} vs weight {w.shape}")
            b = const(node.input[2]) if len(node.input) > 2 and node.input[2] else np.zeros(w.shape[0])
            if b.shape != (w.shape[0],):
                fail(f"Conv node {node.name!r}: bias of shape {b.shape}")
            stride = [int(s) for s in a.get("strides", [1, 1])]
            padding = pair_pads(node, a.get("pads", [0, 0, 0, 0]))
            dilation = [int(d) for d in a.get("dilations", [1, 1])]
            layers.append(({"type": "conv2d", "stride": stride, "padding": padding, "dilation": dilation,
                            "groups": groups}, {"weight": w, "bias": b}))
            shape = [w.shape[0]] + [(shape[1 + i] + 2 * padding[i] - dilation[i] * (w.shape[2 + i] - 1) - 1)
                                    // stride[i] + 1 for i in range(2)]
        elif op == "Relu":
            check_attrs(node, [])
            layers.append(({"type": "relu", "negative_slope": 0.0}, {}))
        elif op == "MaxPool":
            check_attrs(node, ["ceil_mode", "kernel_shape", "pads", "strides", "auto_pad", "dilations",
                               "storage_order"])
            if a.get("ceil_mode", 0) != 0 or a.get("storage_order", 0) != 0 \
                    or list(a.get("dilations", [1, 1])) != [1, 1] \
                    or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                fail(f"MaxPool node {node.name!r}: attributes {a} not read")
            kernel = [int(k) for k in a["kernel_shape"]]
            stride = [int(s) for s in a.get("strides", [1, 1])]
            padding = pair_pads(node, a.get("pads", [0, 0, 0, 0]))
            layers.append(({"type": "maxpool2d", "kernel": kernel, "stride": stride, "padding": padding}, {}))
            shape = [c] + [(shape[1 + i] + 2 * padding[i] - kernel[i]) // stride[i] + 1 for i in range(2)]
        elif op == "BatchNormalization":
            check_attrs(node, ["epsilon", "momentum", "training_mode"])
            if a.get("training_mode", 0) != 0:
                fail(f"BatchNormalization node {node.name!r} in training mode")
            gamma, beta, mean, var = (const(n) for n in node.input[1:5])
            if any(v.shape != (c,) for v in (gamma, beta, mean, var)):
                fail(f"BatchNormalization node {node.name!r}: parameters not of shape ({c},)")
            eps = float(a.get("epsilon", 1e-5))  # the float32 attribute, widened exactly
            scale = gamma / np.sqrt(var + eps)
            shift = beta - mean * scale
            layers.append(({"type": "channel_affine"}, {"scale": scale, "shift": shift}))
        elif op == "GlobalAveragePool":
            check_attrs(node, [])
            hw = [shape[1], shape[2]]
            layers.append(({"type": "avgpool2d", "kernel": hw, "stride": hw, "padding": [0, 0]}, {}))
            shape = [c, 1, 1]
        elif op == "Flatten":
            check_attrs(node, ["axis"])
            if a.get("axis", 1) != 1:
                fail(f"Flatten node {node.name!r} with axis {a['axis']}")
            layers.append(({"type": "flatten"}, {}))
            shape = [int(np.prod(shape))]
        elif op == "Gemm":
            check_attrs(node, ["alpha", "beta", "transA", "transB"])
            if len(shape) != 1 or a.get("transA", 0) != 0:
                fail(f"Gemm node {node.name!r} on shape {shape} or with transA")
            w = const(node.input[1])
            w = w if a.get("transB", 0) else w.T
            w = float(a.get("alpha", 1.0)) * w
            b = const(node.input[2]) if len(node.input) > 2 and node.input[2] else np.zeros(w.shape[0])
            b = float(a.get("beta", 1.0)) * np.broadcast_to(b, (w.shape[0],))
            if w.shape[1] != shape[0]:
                fail(f"Gemm node {node.name!r}: weight {w.shape} on {shape[0]} features")
            layers.append(({"type": "dense"}, {"weight": w, "bias": b}))
            shape = [w.shape[0]]
        else:
            fail(f"node {node.name!r}: op type {op} is not handled by this script")
        current = node.output[0]
    if current != graph.output[0].name:
        fail(f"the chain ends at {current!r}, not at the graph output {graph.output[0].name!r}")

    arrays = {}
    json_layers = []
    for i, (spec, fields) in enumerate(layers):
        entry = {k: v for k, v in spec.items() if k != "arith"}
        for field, value in (fields or {}).items():
            name = f"layers.{i}.{field}"
            arrays[name] = np.ascontiguousarray(value, dtype=np.float64)
            entry[field] = name
        json_layers.append(entry)
    network = {"format": "lipreg-network", "version": 1, "input_shape": input_shape, "layers": json_layers,
               "source": f"{SOURCE}, converted by onnx_to_npz.py (onnx {onnx.__version__}, numpy {np.__version__})"}
    return network, arrays


def forward(network, arrays, x):
    """The written network's value at one example, float64, straight from the layer definitions."""
    x = x.reshape(network["input_shape"])
    for layer in network["layers"]:
        t = layer["type"]
        if t == "channel_affine":
            x = x * arrays[layer["scale"]][:, None, None] + arrays[layer["shift"]][:, None, None]
        elif t == "conv2d":
            w, b = arrays[layer["weight"]], arrays[layer["bias"]]
            assert layer["groups"] == 1 and layer["dilation"] == [1, 1]
            (ph, pw), (sh, sw) = layer["padding"], layer["stride"]
            xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
            kh, kw = w.shape[2:]
            oh, ow = (xp.shape[1] - kh) // sh + 1, (xp.shape[2] - kw) // sw + 1
            y = np.empty((w.shape[0], oh, ow))
            for i in range(oh):
                for j in range(ow):
                    patch = xp[:, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    y[:, i, j] = np.tensordot(w, patch, axes=3) + b
            x = y
        elif t == "relu":
            x = np.maximum(x, 0)
        elif t in ("maxpool2d", "avgpool2d"):
            assert layer["padding"] == [0, 0]
            (kh, kw), (sh, sw) = layer["kernel"], layer["stride"]
            oh, ow = (x.shape[1] - kh) // sh + 1, (x.shape[2] - kw) // sw + 1
            reduce = np.max if t == "maxpool2d" else np.mean
            y = np.empty((x.shape[0], oh, ow))
            for i in range(oh):
                for j in range(ow):
                    y[:, i, j] = reduce(x[:, i * sh:i * sh + kh, j * sw:j * sw + kw], axis=(1, 2))
            x = y
        elif t == "flatten":
            x = x.reshape(-1)
        elif t == "dense":
            x = arrays[layer["weight"]] @ x + arrays[layer["bias"]]
        else:
            raise AssertionError(t)
    return x


def main():
    model = onnx.load(SOURCE)
    onnx.checker.check_model(model)
    network, arrays = convert(model)
    np.savez(BASE + ".npz", **arrays)
    with open(BASE + ".json", "w") as f:
        json.dump(network, f, indent=2)
        f.write("\n")
    with open("cnn_maxpool_bn.json") as f:
        expected = json.load(f)
    worst = 0.0
    for x, want in zip(expected["inputs"], expected["outputs"]):
        got = forward(network, arrays, np.array(x, dtype=np.float64))
        worst = max(worst, float(np.max(np.abs(got - np.array(want)) / np.maximum(1, np.abs(want)))))
    if worst > 1e-5:
        fail(f"the converted network's forward differs from PyTorch's by {worst:.3g}")
    print(f"wrote {BASE}.npz/.json: {len(network['layers'])} layers "
          f"({', '.join(l['type'] for l in network['layers'])}); forward vs PyTorch: {worst:.2g}")


if __name__ == "__main__":
    main()
