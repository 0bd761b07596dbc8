#!/usr/bin/env python3
"""PyTorch peer of `fathom bench train`: training images/s of the same fmnist-cell or fmnist-mbv3 architectures, batch and threads.

Both runtimes are measured in alternating rounds (Fathom first in even rounds, PyTorch first in odd ones), so that
drift of a shared machine does not bias one of them; each runtime's figure is the median over rounds. With --sample N
the architectures are the all-conv3x3 cell and N seeded samples (`fathom spaces sample`), and the geometric mean of
the ratios is printed last:

    python3 bench/peers/torch_train.py --sample 5 --seed 0 --batch 64 --threads 2 --rounds 3
    python3 bench/peers/torch_train.py --space fmnist-mbv3 --sample 5 --seed 0 --batch 64 --threads 2 --rounds 3

fmnist-cell is NAS-Bench-201's TinyNetwork as search-spaces/fmnist-cell.json defines it (1x28x28 input, stem 8,
stages 8/16/32 with one cell each, ResNet reductions, BN-ReLU-GAP-Linear head). fmnist-mbv3 is the MobileNetV3 subnet
that Fathom's ElasticNetworkBuilder builds from search-spaces/fmnist-mbv3.json (Once-for-All's structure: h-swish
stem, a first inverted residual, the sampled blocks per stage with squeeze-and-excite where the stage has it, final
expansion, pooling, feature mix, classifier); its parameter count is checked against `fathom spaces stats`, so that both
runtimes train the same network. One step is forward, label-smoothed
cross-entropy, backward and a Nesterov SGD step with weight decay, as Fathom's bench does. Needs
`python3 -m pip install torch` (the CPU build is enough) and a release build of `fathom`.
"""
import argparse
import json
import math
import statistics
import subprocess
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in, c_out, kernel, stride):
        super().__init__(nn.ReLU(), nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, bias=False), nn.BatchNorm2d(c_out))


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def edge_op(name, c):
    return {"none": Zero, "skip_connect": nn.Identity,
            "nor_conv_1x1": lambda: ReLUConvBN(c, c, 1, 1), "nor_conv_3x3": lambda: ReLUConvBN(c, c, 3, 1),
            "avg_pool_3x3": lambda: nn.AvgPool2d(3, 1, 1, count_include_pad=False)}[name]()


class Cell(nn.Module):
    def __init__(self, arch, c):
        super().__init__()
        self.nodes = [[(int(item.split("~")[1]), item.split("~")[0]) for item in group.strip("|").split("|")] for group in arch.split("+")]
        self.ops = nn.ModuleList(edge_op(name, c) for node in self.nodes for _, name in node)

    def forward(self, x):
        states, index = [x], 0
        for node in self.nodes:
            total = 0
            for source, _ in node:
                total = total + self.ops[index](states[source])
                index += 1
            states.append(total)
        return states[-1]


class Reduction(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.a = ReLUConvBN(c_in, c_out, 3, 2)
        self.b = ReLUConvBN(c_out, c_out, 3, 1)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x):
        return self.b(self.a(x)) + self.shortcut(x)


def network(arch):
    return nn.Sequential(nn.Conv2d(1, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), Cell(arch, 8), Reduction(8, 16), Cell(arch, 16),
                         Reduction(16, 32), Cell(arch, 32), nn.BatchNorm2d(32), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))


def make_divisible(value, divisor=8):
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def conv_bn(c_in, c_out, kernel, stride=1, groups=1, activation=None):
    layers = [nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, groups=groups, bias=False), nn.BatchNorm2d(c_out)]
    return nn.Sequential(*layers, *([activation()] if activation else []))


class SqueezeExcite(nn.Module):
    def __init__(self, channels):
        super().__init__()
        mid = make_divisible(channels // 4)
        self.gate = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(channels, mid, 1), nn.ReLU(), nn.Conv2d(mid, channels, 1), nn.Hardsigmoid())

    def forward(self, x):
        return x * self.gate(x)


class InvertedResidual(nn.Module):
    def __init__(self, c_in, c_out, kernel, expand, stride, activation, se):
        super().__init__()
        mid = c_in if expand == 1 else make_divisible(c_in * expand)
        layers = [] if expand == 1 else [conv_bn(c_in, mid, 1, activation=activation)]
        layers += [conv_bn(mid, mid, kernel, stride, groups=mid, activation=activation)] + ([SqueezeExcite(mid)] if se else [])
        self.body = nn.Sequential(*layers, conv_bn(mid, c_out, 1))
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


# (channels, stride, activation, squeeze-and-excite) of search-spaces/fmnist-mbv3.json's stages.
MBV3_STAGES = [(24, 2, nn.ReLU, False), (40, 2, nn.ReLU, True), (80, 2, nn.Hardswish, False), (96, 1, nn.Hardswish, True)]


def mbv3_network(arch):
    stages = [[(int(block[1:block.index("e")]), int(block[block.index("e") + 1:])) for block in group.split(",")] for group in arch.split("|")[1:]]
    layers, c = [conv_bn(1, 16, 3, activation=nn.Hardswish), InvertedResidual(16, 16, 3, 1, 1, nn.ReLU, False)], 16
    for (channels, stride, activation, se), blocks in zip(MBV3_STAGES, stages):
        for index, (kernel, expand) in enumerate(blocks):
            layers.append(InvertedResidual(c, channels, kernel, expand, stride if index == 0 else 1, activation, se))
            c = channels
    return nn.Sequential(*layers, conv_bn(c, 384, 1, activation=nn.Hardswish), nn.AdaptiveAvgPool2d(1), nn.Conv2d(384, 512, 1, bias=False),
                         nn.Hardswish(), nn.Flatten(), nn.Linear(512, 10))


def build(space, arch):
    return mbv3_network(arch) if space == "fmnist-mbv3" else network(arch)


def torch_images_per_second(space, arch, batch, threads, steps):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build(space, arch).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=4e-5)
    x, y = torch.randn(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
    times = []
    for step in range(steps + 2):
        start = time.perf_counter()
        optimizer.zero_grad()
        F.cross_entropy(model(x), y, label_smoothing=0.1).backward()
        optimizer.step()
        if step >= 2:
            times.append(time.perf_counter() - start)
    return batch / statistics.median(times)


def check_parameters(fathom, space, arch):
    """Refuses a network whose parameter count differs from Fathom's for the same architecture."""
    stats = json.loads(subprocess.run([fathom, "spaces", "stats", space, "--arch", arch, "--json"], check=True, capture_output=True, text=True).stdout)
    ours = sum(p.numel() for p in build(space, arch).parameters() if p.requires_grad)
    if abs(ours - stats["params_m"] * 1e6) > 1:
        raise SystemExit(f"{arch}: the PyTorch network has {ours} parameters, Fathom's {stats['params_m'] * 1e6:.0f}")


def fathom_images_per_second(fathom, space, arch, batch, threads, steps):
    result = subprocess.run([fathom, "bench", "train", space, "--arch", arch, "--batch", str(batch), "--threads", str(threads),
                             "--steps", str(steps), "--json"], check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["images_per_s"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--space", default="fmnist-cell", choices=["fmnist-cell", "fmnist-mbv3"])
    parser.add_argument("--arch", action="append", help="an architecture (repeatable); default: fmnist-cell's all-conv3x3 cell")
    parser.add_argument("--sample", type=int, default=0, help="also this many seeded sampled architectures")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fathom", default=".build/release/fathom")
    args = parser.parse_args()
    default = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"] if args.space == "fmnist-cell" else []
    archs = args.arch or default
    if args.sample:
        sampled = subprocess.run([args.fathom, "spaces", "sample", args.space, "--count", str(args.sample), "--seed", str(args.seed)],
                                 check=True, capture_output=True, text=True).stdout
        archs += [json.loads(line)["arch"] for line in sampled.splitlines() if line.strip()]
    ratios = []
    for arch in archs:
        check_parameters(args.fathom, args.space, arch)
        fathom, peer = [], []
        for index in range(args.rounds):
            runs = [lambda: fathom.append(fathom_images_per_second(args.fathom, args.space, arch, args.batch, args.threads, args.steps)),
                    lambda: peer.append(torch_images_per_second(args.space, arch, args.batch, args.threads, args.steps))]
            for run in runs if index % 2 == 0 else reversed(runs):
                run()
        ratio = statistics.median(fathom) / statistics.median(peer)
        ratios.append(ratio)
        print(json.dumps({"space": args.space, "arch": arch, "fathom_images_per_s": statistics.median(fathom), "torch_images_per_s": statistics.median(peer),
                          "ratio": ratio, "batch": args.batch, "threads": args.threads, "rounds": args.rounds, "torch": torch.__version__},
                         sort_keys=True), flush=True)
    print(json.dumps({"archs": len(ratios), "geometric_mean_ratio": math.exp(sum(map(math.log, ratios)) / len(ratios))}))


if __name__ == "__main__":
    main()
