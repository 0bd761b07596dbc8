#!/usr/bin/env python3
"""PyTorch peer of `fathom bench train`: training images/s of the same fmnist-cell architecture, batch and threads.

Runs both side by side in one invocation, so the ratio is measured on one machine at one time:

    python3 bench/peers/torch_train.py --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|' \
        --batch 64 --threads 2 --fathom .build/release/fathom

The network is NAS-Bench-201's TinyNetwork as search-spaces/fmnist-cell.json defines it (1x28x28 input, stem 8,
stages 8/16/32 with one cell each, ResNet reductions, BN-ReLU-GAP-Linear head); one step is forward, label-smoothed
cross-entropy, backward and a Nesterov SGD step with weight decay, as Fathom's bench does.
"""
import argparse
import json
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


def torch_images_per_second(arch, batch, threads, steps):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = network(arch).train()
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--fathom", default=".build/release/fathom")
    args = parser.parse_args()
    fathom = json.loads(subprocess.run([args.fathom, "bench", "train", "fmnist-cell", "--arch", args.arch, "--batch", str(args.batch),
                                        "--threads", str(args.threads), "--steps", str(args.steps), "--json"],
                                       check=True, capture_output=True, text=True).stdout)["images_per_s"]
    peer = torch_images_per_second(args.arch, args.batch, args.threads, args.steps)
    print(json.dumps({"fathom_images_per_s": fathom, "torch_images_per_s": peer, "ratio": fathom / peer,
                      "batch": args.batch, "threads": args.threads, "torch": torch.__version__}, sort_keys=True))


if __name__ == "__main__":
    main()
