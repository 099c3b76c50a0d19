#!/usr/bin/env python3
"""Train a torchvision model on Fashion-MNIST in PyTorch and write its activation files, for the
README's evidence (trained versus random weights). Needs torch and torchvision.

    python3 tools/train_fashion_mnist.py --model resnet18 --epochs 1 --train-images 30000 --out acts/trained

Inputs are 28² images upsampled to --size (3 channels, Fashion-MNIST mean/std); SGD with momentum
0.9, Nesterov, weight decay 5e-4, cosine learning rate from 0.05; fixed seed. The activation files
hold the first --batches × 256 unshuffled test images (GAP taps from the model's preset).
"""
import argparse
import gzip
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rednas_taps as rt  # noqa: E402


def load(root, split):
    import torch
    with gzip.open(os.path.join(root, f"{split}-images-idx3-ubyte.gz"), "rb") as f:
        _, count, rows, cols = struct.unpack(">IIII", f.read(16))
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).view(count, 1, rows, cols)
    with gzip.open(os.path.join(root, f"{split}-labels-idx1-ubyte.gz"), "rb") as f:
        f.read(8)
        y = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).long()
    return x, y


def prepare(x, size):
    import torch.nn.functional as F
    x = x.float() / 255
    x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return ((x - 0.2860) / 0.3530).expand(-1, 3, -1, -1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="resnet18")
    p.add_argument("--data-root", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--train-images", type=int, default=60000)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--batches", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    import torch
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    tv = rt.import_torchvision()
    model = getattr(tv.models, a.model)(weights=None, num_classes=10)
    preset = "resnet" if a.model.startswith("resnet") else "vgg" if a.model.startswith("vgg") else "vit"
    taps = rt.preset_taps(model, preset)
    xtr, ytr = load(a.data_root, "train")
    xte, yte = load(a.data_root, "t10k")
    xtr, ytr = xtr[:a.train_images], ytr[:a.train_images]
    test_batches = [prepare(xte[i:i + 256], a.size) for i in range(0, a.batches * 256, 256)]
    rt.write_activations(model, taps, test_batches, os.path.join(a.out, "random"), batches=a.batches, prefix=a.model)

    steps = a.epochs * (len(xtr) // a.batch_size)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    g = torch.Generator().manual_seed(a.seed)
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(xtr), generator=g)
        for s in range(len(xtr) // a.batch_size):
            idx = order[s * a.batch_size:(s + 1) * a.batch_size]
            x = prepare(xtr[idx], a.size)
            if torch.rand(1, generator=g).item() < 0.5:
                x = x.flip(3)
            loss = torch.nn.functional.cross_entropy(model(x), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if s % 20 == 0:
                print(f"epoch {epoch} step {s}/{len(xtr) // a.batch_size} loss {loss.item():.3f}", flush=True)
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(xte), 500):
            correct += (model(prepare(xte[i:i + 500], a.size)).argmax(1) == yte[i:i + 500]).sum().item()
    print(f"test accuracy {100 * correct / len(xte):.2f}%", flush=True)
    rt.write_activations(model, taps, test_batches, os.path.join(a.out, "trained"), batches=a.batches, prefix=a.model)


if __name__ == "__main__":
    main()
