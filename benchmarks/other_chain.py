"""The per-op chain of bench_overhead.py in another library, in its own process (PyTorch or
MyGrad: their thread pools and allocators must not share minigrad's process).

    echo '{"library": "torch", "length": 10000, "repeats": 5}' | python benchmarks/other_chain.py

Prints {"forward": us per op, "backward": us per op}, medians of `repeats` chains."""

import json
import sys
from statistics import median

import numpy as np

from timing import chain_us


def chain(library, length):
    if library == "torch":
        import torch
        torch.set_num_threads(1)
        x = torch.ones(1, requires_grad=True)
        one = torch.ones(1)
    else:
        import mygrad
        x = mygrad.tensor(np.ones(1, dtype=np.float32))
        one = mygrad.tensor(np.ones(1, dtype=np.float32), constant=True)
    return chain_us(x, one, length)

if __name__ == "__main__":
    request = json.load(sys.stdin)
    runs = [chain(request["library"], request["length"]) for _ in range(request["repeats"])]
    print(json.dumps({"forward": median(r[0] for r in runs),
                      "backward": median(r[1] for r in runs)}))
