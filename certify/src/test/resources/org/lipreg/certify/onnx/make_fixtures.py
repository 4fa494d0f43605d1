#!/usr/bin/env python3
"""Exports the ONNX fixtures of OnnxReaderTest with PyTorch's own exporter.

Run from this folder with Debian's python3-torch (1.13.1) and python3-onnx (1.12.0):
    /usr/bin/python3 make_fixtures.py
For each model NAME it writes NAME.onnx and NAME.json: {"input_shape": [...], "inputs": [[...]],
"outputs": [[...]]}, PyTorch's float32 outputs (as float64 numbers) for fixed inputs, which the
Java test compares with the imported network's float64 forward. Weights and batch-norm
statistics are random (seeded), so that every folded term matters. PyTorch's exporter folds a
batch norm that follows a convolution itself; the ones after a linear layer or a max pooling stay
BatchNormalization nodes.
"""
import json

import torch
from torch import nn

torch.manual_seed(2024)


def randomize_batch_norms(model):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d) or isinstance(m, nn.BatchNorm1d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c) * 0.5)
            m.running_var.copy_(torch.rand(c) * 2 + 0.2)
            m.weight.data.copy_(torch.randn(c))
            m.bias.data.copy_(torch.randn(c) * 0.3)
        if isinstance(m, (nn.GroupNorm, nn.InstanceNorm2d)) and m.affine:
            m.weight.data.copy_(torch.randn(m.weight.shape))
            m.bias.data.copy_(torch.randn(m.bias.shape) * 0.3)


class Normalize(nn.Module):
    """Input normalization as people write it: (x - mean) / std, constants per channel."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).view(1, -1, *([1] * 0)))
        self.register_buffer("std", torch.tensor(std).view(1, -1))

    def forward(self, x):
        return (x - self.mean) / self.std


class ImageNormalize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, -1, 1, 1))

    def forward(self, x):
        return (x - self.mean) / self.std


class MaxMin(nn.Module):
    """MaxMin on the two halves of the features (Anil et al.'s form, as in deel-torchlip)."""

    def forward(self, x):
        a, b = torch.chunk(x, 2, dim=1)
        return torch.cat([torch.maximum(a, b), torch.minimum(a, b)], dim=1)


class ResidualBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(2, 4, 3, padding=1)
        self.body = nn.Sequential(nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(4, 4, 3, padding=1))
        self.pool = nn.AvgPool2d(2)
        self.weight = nn.Parameter(torch.randn(3, 36) * 0.3)
        self.bias = nn.Parameter(torch.randn(3) * 0.1)

    def forward(self, x):
        h = self.stem(x)
        h = torch.relu(h + self.body(h))
        h = torch.flatten(self.pool(h), 1)
        return h @ self.weight.t() + self.bias  # MatMul + Add, not Gemm


MODELS = {
    # name: (model, input shape without batch, opset)
    "mlp": (nn.Sequential(Normalize([0.5, 0.4, 0.3, 0.2, 0.1, 0.0], [0.5, 1.0, 2.0, 0.25, 1.5, 1.0]),
                          nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 16), nn.BatchNorm1d(16), nn.LeakyReLU(0.1),
                          nn.Dropout(0.3), nn.Linear(16, 3)), (6,), 11),
    "cnn_maxpool_bn": (nn.Sequential(ImageNormalize([0.1307], [0.3081]),
                                     nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                                     nn.MaxPool2d(2), nn.BatchNorm2d(4),
                                     nn.Conv2d(4, 6, 3, stride=1, padding=1, bias=False),
                                     nn.BatchNorm2d(6), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                     nn.Linear(6, 10)), (1, 8, 8), 13),
    "residual": (ResidualBlock(), (2, 6, 6), 17),
    "maxmin_mlp": (nn.Sequential(nn.Linear(4, 8), MaxMin(), nn.Linear(8, 8), MaxMin(), nn.Linear(8, 2)), (4,), 13),
    "cnn_bn_nopool": (nn.Sequential(nn.Conv2d(1, 3, 3, stride=2, padding=1), nn.BatchNorm2d(3), nn.ReLU(),
                                    nn.Conv2d(3, 4, 3, padding=1, dilation=1, groups=1), nn.ReLU(),
                                    nn.AvgPool2d(2), nn.Flatten(), nn.Linear(16, 5)), (1, 8, 8), 13),
    "groupnorm_cnn": (nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.GroupNorm(2, 4), nn.ReLU(),
                                    nn.Conv2d(4, 4, 3, padding=1), nn.InstanceNorm2d(4, affine=True), nn.ReLU(),
                                    nn.Flatten(), nn.Linear(4 * 5 * 5, 3)), (2, 5, 5), 13),
}

for name, (model, shape, opset) in MODELS.items():
    randomize_batch_norms(model)
    model.eval()
    inputs = torch.rand((5,) + shape) * 1.2 - 0.1
    with torch.no_grad():
        outputs = model(inputs)
    torch.onnx.export(model, inputs[:1], name + ".onnx", opset_version=opset, input_names=["input"],
                      output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    with open(name + ".json", "w") as f:
        json.dump({"input_shape": list(shape), "opset": opset,
                   "inputs": inputs.reshape(5, -1).double().tolist(),
                   "outputs": outputs.double().tolist()}, f)
        f.write("\n")
    print(name, "opset", opset)
