"""A two-layer MLP on the bundled 8x8 digits, trained by hand-written SGD (no `optim`).

Run: python examples/mlp_by_hand.py [--quick]
The full run (20 epochs, under a second) reaches 96.4% test accuracy on the 359 held-out
images (measured with seed 0); --quick trains for 1 epoch and reaches 86.9%.
Each step is the whole training loop in four lines: forward, zero the grads, backward,
and p.data -= lr * p.grad under no_grad (so the update itself is not recorded as an op).
"""

import argparse

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import nn
from minigrad.data import load_digits
from minigrad.utils.data import DataLoader, TensorDataset


def accuracy(model, x, y):
    with mg.no_grad():  # evaluation needs no graph
        predicted = model(mg.tensor(x)).argmax(1)
    return float((predicted == y).float().mean())


def main(epochs=20, lr=0.1, hidden=64, seed=0):
    split = load_digits(seed=seed)  # x (N, 1, 8, 8) float32, standardized; y (N,) int64
    generator = np.random.default_rng(seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, hidden, generator=generator), nn.ReLU(),
                          nn.Linear(hidden, 10, generator=generator))
    params = list(model.parameters())  # two weights and two biases
    loader = DataLoader(TensorDataset(split.x_train, split.y_train), batch_size=32,
                        shuffle=True, generator=mg.Generator().manual_seed(seed))
    for epoch in range(1, epochs + 1):
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            for p in params:
                p.grad = None  # .grad accumulates across backward calls: start from nothing
            loss.backward()
            with mg.no_grad():
                for p in params:
                    p.data -= lr * p.grad
        if epoch == epochs or epoch % 5 == 0:
            print(f"epoch {epoch:3d}  last batch loss {loss.item():.4f}  "
                  f"train accuracy {accuracy(model, split.x_train, split.y_train):.3f}")
    return accuracy(model, split.x_test, split.y_test)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="train for 1 epoch only")
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    test_accuracy = main(epochs=1 if args.quick else args.epochs)
    print(f"test accuracy {test_accuracy:.3f}")
