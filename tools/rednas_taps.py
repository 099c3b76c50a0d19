#!/usr/bin/env python3
"""Write RedNAS activation files from a PyTorch model, for `rednas msrs/prune-plan --activations`.

Registers forward hooks on the tapped modules, runs the model in eval mode over the first batches
of a data loader, and writes one safetensors file per batch (or one file with a batch axis):
one tensor per tap, in tap order, with `__metadata__` {"format": "rednas-activations/1",
"taps": JSON list of names, "labels": JSON list, "batched": "true"|absent}. See the README,
"Redundancy of your own model (PyTorch)".

Depends only on torch (safetensors and torchvision are optional). Library use:

    from rednas_taps import preset_taps, write_activations
    taps = preset_taps(model, "resnet")              # or a list of module names
    write_activations(model, taps, loader, "acts/", batches=10)

Command line (torchvision models with random weights; inputs from Fashion-MNIST or noise):

    python3 tools/rednas_taps.py --model resnet18 --data fashion-mnist --batches 2 --batch-size 128 --out acts/
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import struct
import sys
from typing import Iterable, Sequence

FORMAT = "rednas-activations/1"
_DTYPES = {"float32": "F32", "float16": "F16", "bfloat16": "BF16"}


# --------------------------------------------------------------------------- tap presets

def preset_taps(model, preset: str) -> list[str]:
    """Module names to tap, following RedTest: the stem convolution's raw output (before its BN),
    then the output of every block.

    - "resnet": torchvision ResNet — conv1, then every block of layer1…layer4.
    - "vgg":    torchvision VGG (with or without BN) — the first conv, then the ReLU that ends every
                later conv block (13 taps for VGG-16).
    - "vit":    timm-style ViT (patch_embed, blocks.i) or torchvision's (conv_proj,
                encoder.layers.encoder_layer_i).
    """
    import torch.nn as nn
    names = dict(model.named_modules())
    if preset == "resnet":
        taps = ["conv1"]
        for stage in ("layer1", "layer2", "layer3", "layer4"):
            if stage in names:
                taps += [f"{stage}.{i}" for i in range(len(names[stage]))]
        return _checked(taps, names, preset)
    if preset == "vgg":
        features = [(n, m) for n, m in model.named_modules() if n.startswith("features.") and n.count(".") == 1]
        convs = [i for i, (_, m) in enumerate(features) if isinstance(m, nn.Conv2d)]
        if not convs:
            raise ValueError("preset 'vgg': the model has no features.<i> convolutions")
        taps = [features[convs[0]][0]]
        for c in convs[1:]:
            relu = next((n for n, m in features[c + 1:] if isinstance(m, nn.ReLU)), None)
            if relu is None:
                raise ValueError(f"preset 'vgg': no ReLU after {features[c][0]}")
            taps.append(relu)
        return taps
    if preset == "vit":
        if "patch_embed" in names and "blocks" in names:
            return _checked(["patch_embed"] + [f"blocks.{i}" for i in range(len(names["blocks"]))], names, preset)
        if "conv_proj" in names and "encoder.layers" in names:
            layers = [n for n in names if n.startswith("encoder.layers.") and n.count(".") == 2]
            return _checked(["conv_proj"] + layers, names, preset)
        raise ValueError("preset 'vit': expected patch_embed + blocks (timm) or conv_proj + encoder.layers (torchvision)")
    raise ValueError(f"unknown preset {preset!r}; known: resnet, vgg, vit")


def _checked(taps: list[str], names: dict, preset: str) -> list[str]:
    missing = [t for t in taps if t not in names]
    if missing:
        raise ValueError(f"preset {preset!r}: the model has no module(s) {missing}")
    return taps


# --------------------------------------------------------------------------- hooks

def _as_channels_second(t, reduce: str | None):
    """(n, C, …) stays; a token sequence (n, T, D) from a transformer block becomes (n, D, T) so that
    channels follow the samples. reduce="gap" then averages every axis after the channels."""
    if isinstance(t, (tuple, list)):
        t = t[0]
    t = t.detach()
    if t.dim() == 3:
        t = t.transpose(1, 2)
    if reduce == "gap" and t.dim() > 2:
        t = t.float().mean(dim=tuple(range(2, t.dim())))
    elif reduce not in (None, "gap"):
        raise ValueError(f"reduce must be 'gap' or None, not {reduce!r}")
    return t.contiguous()


class TapRecorder:
    """Forward hooks that keep the latest output of each tapped module (a context manager)."""

    def __init__(self, model, taps: Sequence[str], reduce: str | None = "gap"):
        names = dict(model.named_modules())
        missing = [t for t in taps if t not in names]
        if missing:
            raise ValueError(f"no module named {missing[0]!r} in the model (see model.named_modules())")
        if len(set(taps)) != len(taps):
            raise ValueError("a module is tapped twice")
        self.taps = list(taps)
        self.outputs: dict[str, object] = {}
        self._handles = [names[t].register_forward_hook(self._hook(t, reduce)) for t in taps]

    def _hook(self, name, reduce):
        def hook(_module, _inputs, output):
            self.outputs[name] = _as_channels_second(output, reduce)
        return hook

    def close(self):
        for h in self._handles:
            h.remove()
        self._handles = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --------------------------------------------------------------------------- safetensors writer

def write_safetensors(path: str, tensors: Sequence[tuple[str, object]], metadata: dict[str, str], dtype: str = "float32"):
    """A minimal safetensors writer (so the safetensors package is optional): 8-byte little-endian
    header length, JSON header padded to 8 bytes, then each tensor's little-endian C-order bytes."""
    import torch
    torch_dtype = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[dtype]
    header, blobs, offset = {}, [], 0
    for name, t in tensors:
        t = t.to(torch_dtype).contiguous().cpu()
        data = (t.view(torch.int16) if dtype == "bfloat16" else t).numpy().tobytes()
        header[name] = {"dtype": _DTYPES[dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = metadata
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - (8 + len(raw)) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def metadata(taps: Sequence[str], labels: Sequence[str] | None = None, batched: bool = False) -> dict[str, str]:
    m = {"format": FORMAT, "taps": json.dumps(list(taps))}
    if labels is not None:
        m["labels"] = json.dumps(list(labels))
    if batched:
        m["batched"] = "true"
    return m


# --------------------------------------------------------------------------- driver

def write_activations(model, taps: Sequence[str], loader: Iterable, out_dir: str, *, batches: int = 10,
                      reduce: str | None = "gap", dtype: str = "float32", batched: bool = False,
                      labels: Sequence[str] | None = None, prefix: str = "batch", device: str = "cpu",
                      micro_batch: int | None = None) -> list[str]:
    """Runs `model` (eval mode, no grad) on the first `batches` batches of `loader` and writes the
    taps' outputs. A loader item is a tensor or a tuple whose first element is the input.
    reduce="gap" stores (n, C) means (small files; `rednas msrs` then uses them as they are);
    reduce=None stores full maps, for `--pooling flatten`. micro_batch runs each batch through the
    model in chunks of that many samples (bounds the forward pass's memory; a file still holds the
    whole batch, as MSRS needs all n samples of a batch together). Returns the written paths."""
    import torch
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be one of {sorted(_DTYPES)}")
    os.makedirs(out_dir, exist_ok=True)
    meta = metadata(taps, labels, batched)
    model.eval()
    paths, stacked = [], {t: [] for t in taps}
    with TapRecorder(model, taps, reduce) as rec, torch.no_grad():
        for b, item in enumerate(loader):
            if b >= batches:
                break
            x = item[0] if isinstance(item, (tuple, list)) else item
            chunks = [x] if not micro_batch else list(x.split(micro_batch))
            parts = {t: [] for t in taps}
            for chunk in chunks:
                rec.outputs.clear()
                model(chunk.to(device))
                absent = [t for t in taps if t not in rec.outputs]
                if absent:
                    raise RuntimeError(f"module {absent[0]!r} did not run in the forward pass")
                for t in taps:
                    parts[t].append(rec.outputs[t].cpu())
            rec.outputs = {t: torch.cat(parts[t]) if len(parts[t]) > 1 else parts[t][0] for t in taps}
            if batched:
                for t in taps:
                    stacked[t].append(rec.outputs[t].cpu())
            else:
                path = os.path.join(out_dir, f"{prefix}-{b:03d}.safetensors")
                write_safetensors(path, [(t, rec.outputs[t]) for t in taps], meta, dtype)
                paths.append(path)
    if batched:
        if not stacked[taps[0]]:
            raise ValueError("the loader gave no batch")
        if len({x.shape[0] for s in stacked.values() for x in s}) != 1:
            raise ValueError("batched=True needs equal batch sizes (drop the last partial batch)")
        path = os.path.join(out_dir, f"{prefix}.safetensors")
        write_safetensors(path, [(t, torch.stack(stacked[t])) for t in taps], meta, dtype)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- command line

def import_torchvision():
    """torchvision, also where its compiled ops do not match the installed torch (PyPI's CUDA build of
    torchvision beside a CPU torch): the models need none of those ops, so their registration is skipped."""
    try:
        import torchvision
        return torchvision
    except RuntimeError as error:
        if "torchvision::" not in str(error):
            raise
    import torch.library
    for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[name]
    original = torch.library.register_fake
    torch.library.register_fake = lambda *a, **k: (lambda f: f)
    try:
        import torchvision
    finally:
        torch.library.register_fake = original
    return torchvision


def fashion_mnist_loader(root: str, batch_size: int, size: int, split: str = "t10k"):
    """The first images of Fashion-MNIST (IDX gzip), unshuffled, resized to size×size, 3 channels,
    ImageNet-normalised: ImageNet-shaped inputs from a dataset Debian packages."""
    import torch
    import torch.nn.functional as F
    with gzip.open(os.path.join(root, f"{split}-images-idx3-ubyte.gz"), "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 2051:
            raise ValueError(f"{root}: not an IDX image file")
        pixels = torch.frombuffer(bytearray(f.read(count * rows * cols)), dtype=torch.uint8).view(count, 1, rows, cols)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    for start in range(0, count, batch_size):
        x = pixels[start:start + batch_size].float() / 255
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False).expand(-1, 3, -1, -1)
        yield (x - mean) / std


def noise_loader(batch_size: int, size: int, seed: int = 0):
    import torch
    g = torch.Generator().manual_seed(seed)
    while True:
        yield torch.randn(batch_size, 3, size, size, generator=g)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="torchvision model name (resnet18, resnet50, vgg16, vit_b_16, …)")
    p.add_argument("--preset", help="tap preset (default: from the model name)")
    p.add_argument("--taps", help="comma-separated module names instead of a preset")
    p.add_argument("--data", default="fashion-mnist", help="fashion-mnist or noise")
    p.add_argument("--data-root", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--batches", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=256, help="samples per batch (per file)")
    p.add_argument("--micro-batch", type=int, default=None, help="run the model on this many samples at a time")
    p.add_argument("--reduce", default="gap", choices=["gap", "none"])
    p.add_argument("--dtype", default="float32", choices=sorted(_DTYPES))
    p.add_argument("--batched", action="store_true", help="one file with a batch axis")
    p.add_argument("--seed", type=int, default=0, help="seed of the random initial weights")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    import torch
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    tv = import_torchvision()
    model = getattr(tv.models, a.model)(weights=None)
    preset = a.preset or ("resnet" if a.model.startswith(("resnet", "wide_resnet", "resnext")) else
                          "vgg" if a.model.startswith("vgg") else "vit" if a.model.startswith("vit") else None)
    taps = a.taps.split(",") if a.taps else preset_taps(model, preset)
    loader = fashion_mnist_loader(a.data_root, a.batch_size, a.size) if a.data == "fashion-mnist" else noise_loader(a.batch_size, a.size)
    paths = write_activations(model, taps, loader, a.out, batches=a.batches, reduce=None if a.reduce == "none" else "gap",
                              dtype=a.dtype, batched=a.batched, prefix=a.model,
                              micro_batch=a.micro_batch)
    print("\n".join(paths))


if __name__ == "__main__":
    main()
