"""The PyTorch side of benchmarks/bench_step.py: the same CIFAR-style ResNet (option A
shortcuts, 1 input channel, 10 classes), one SGD step timed the same way.

Run as a separate process (never imported next to numpy timing). Reads {"model", "batch",
"repeats", "threads"} as JSON on stdin; prints {"ms", "torch", "threads"} as JSON.
"""

import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from timing import median_ms

DEPTH_N = {"resnet8": 1, "resnet20": 3, "resnet32": 5, "resnet56": 9}


class Block(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.stride, self.extra = stride, c_out - c_in

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        shortcut = x[:, :, ::self.stride, ::self.stride]
        if self.extra:
            shortcut = F.pad(shortcut, (0, 0, 0, 0, 0, self.extra))  # option A: zero channels
        return F.relu(out + shortcut)


def resnet(n):
    layers = [nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    c_in = 16
    for stage, c_out in enumerate((16, 32, 64)):
        for i in range(n):
            layers.append(Block(c_in, c_out, 2 if stage > 0 and i == 0 else 1))
            c_in = c_out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def main():
    request = json.load(sys.stdin)
    torch.set_num_threads(request["threads"])
    torch.manual_seed(0)
    model = resnet(DEPTH_N[request["model"]])
    x = torch.randn(request["batch"], 1, 8, 8)
    y = torch.randint(0, 10, (request["batch"],))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)

    def step():
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    print(json.dumps({"ms": median_ms(step, request["repeats"]), "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
