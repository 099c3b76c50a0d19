#!/usr/bin/env python3
"""Tests of tools/rednas_taps.py. Run: python3 -m unittest discover -s tools -p 'test_*.py' -v

Skipped with a message where torch cannot be imported. The end-to-end test also needs the built
`rednas` binary ($REDNAS_BIN, else .build/release/rednas) and is skipped without it.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import torch
    import torch.nn as nn
    HAVE_TORCH = True
except ImportError:  # pragma: no cover - depends on the machine
    HAVE_TORCH = False

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REDNAS = os.environ.get("REDNAS_BIN", os.path.join(REPO, ".build", "release", "rednas"))


def read_safetensors(path):
    """An independent reader (no safetensors package): header, then raw bytes per tensor."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for name, d in header.items():
        b, e = d["data_offsets"]
        raw = bytearray(data[b:e])
        if d["dtype"] == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32)
        elif d["dtype"] == "F16":
            t = torch.frombuffer(raw, dtype=torch.float16).float()
        elif d["dtype"] == "BF16":
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16).float()
        else:
            raise AssertionError(d["dtype"])
        out[name] = t.reshape(d["shape"])
    return meta, out


def reference_msrs(batches, beta=100.0, tau=0.8):
    """Spec §2–§3 in float64 from the definitions: unbiased HSIC with zeroed-diagonal Grams."""
    def hsic(k, l):
        n = k.shape[0]
        k = k.clone(); l = l.clone()
        k.fill_diagonal_(0); l.fill_diagonal_(0)
        one = torch.ones(n, dtype=torch.float64)
        return (torch.trace(k @ l) + (one @ k @ one) * (one @ l @ one) / ((n - 1) * (n - 2))
                - 2 / (n - 2) * (one @ k @ l @ one)) / (n * (n - 3))
    scores, mats = [], []
    for layers in batches:
        grams = [x.double().reshape(x.shape[0], -1) @ x.double().reshape(x.shape[0], -1).T for x in layers]
        L = len(grams)
        s = torch.ones(L, L, dtype=torch.float64)
        for i in range(L):
            for j in range(i + 1, L):
                s[i, j] = s[j, i] = hsic(grams[i], grams[j]) / torch.sqrt(hsic(grams[i], grams[i]) * hsic(grams[j], grams[j]))
        mats.append(s)
        iu = torch.triu_indices(L, L, 1)
        scores.append(torch.sigmoid(2 * beta * (s[iu[0], iu[1]] - tau)).sum().item())
    return sum(scores) / len(scores), (sum(mats) / len(mats))


class Block(nn.Module if HAVE_TORCH else object):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return torch.relu(x + self.bn(self.conv(x)))


class TinyResNet(nn.Module if HAVE_TORCH else object):
    """Same module names as torchvision's ResNet for the preset: conv1, bn1, layer1.0, …"""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.layer1 = nn.Sequential(Block(8), Block(8))
        self.layer2 = nn.Sequential(Block(8), Block(8), Block(8))

    def forward(self, x):
        return self.layer2(self.layer1(torch.relu(self.bn1(self.conv1(x))))).mean((2, 3))


@unittest.skipUnless(HAVE_TORCH, "torch is not installed: skipping the PyTorch helper tests "
                                  "(pip install torch, or the local wheel, to run them)")
class RednasTapsTests(unittest.TestCase):
    def setUp(self):
        import rednas_taps
        self.rt = rednas_taps
        torch.manual_seed(0)
        self.model = TinyResNet().eval()
        self.loader = [torch.randn(16, 3, 6, 6) for _ in range(3)]
        self.dir = tempfile.mkdtemp()

    def test_resnet_preset_taps_stem_conv_then_every_block(self):
        self.assertEqual(self.rt.preset_taps(self.model, "resnet"),
                         ["conv1", "layer1.0", "layer1.1", "layer2.0", "layer2.1", "layer2.2"])
        with self.assertRaisesRegex(ValueError, "unknown preset"):
            self.rt.preset_taps(self.model, "lstm")

    def test_files_hold_the_hooked_outputs_in_tap_order(self):
        taps = self.rt.preset_taps(self.model, "resnet")
        paths = self.rt.write_activations(self.model, taps, self.loader, self.dir, batches=2, reduce=None)
        self.assertEqual([os.path.basename(p) for p in paths], ["batch-000.safetensors", "batch-001.safetensors"])
        meta, tensors = read_safetensors(paths[1])
        self.assertEqual(json.loads(meta["taps"]), taps)
        self.assertEqual(meta["format"], "rednas-activations/1")
        x = self.loader[1]
        with torch.no_grad():
            stem = self.model.conv1(x)                       # before BN, as RedTest taps it
            l1 = self.model.layer1(torch.relu(self.model.bn1(stem)))
            l2_0 = self.model.layer2[0](l1)
        torch.testing.assert_close(tensors["conv1"], stem, rtol=0, atol=0)
        torch.testing.assert_close(tensors["layer1.1"], l1, rtol=0, atol=0)
        torch.testing.assert_close(tensors["layer2.0"], l2_0, rtol=0, atol=0)

    def test_gap_batched_and_16_bit_files(self):
        taps = ["conv1", "layer1.1", "layer2.2"]
        for dtype in ("float16", "bfloat16"):
            paths = self.rt.write_activations(self.model, taps, self.loader, self.dir, batches=3, dtype=dtype,
                                              batched=True, prefix=dtype)
            meta, tensors = read_safetensors(paths[0])
            self.assertEqual(meta["batched"], "true")
            self.assertEqual(tuple(tensors["layer2.2"].shape), (3, 16, 8))
            with torch.no_grad():
                full = self.model.conv1(self.loader[2]).mean((2, 3))
            torch_dtype = getattr(torch, dtype)
            torch.testing.assert_close(tensors["conv1"][2], full.to(torch_dtype).float(), rtol=0, atol=0)

    def test_token_outputs_put_channels_second(self):
        class Tokens(nn.Module):
            def __init__(self):
                super().__init__()
                self.patch_embed = nn.Linear(4, 6)
                self.blocks = nn.Sequential(nn.Linear(6, 6), nn.Linear(6, 6))

            def forward(self, x):
                return self.blocks(self.patch_embed(x))

        m = Tokens()
        self.assertEqual(self.rt.preset_taps(m, "vit"), ["patch_embed", "blocks.0", "blocks.1"])
        loader = [torch.randn(5, 7, 4)]          # (n, tokens, features)
        paths = self.rt.write_activations(m, self.rt.preset_taps(m, "vit"), loader, self.dir, batches=1, reduce=None)
        _, tensors = read_safetensors(paths[0])
        self.assertEqual(tuple(tensors["blocks.1"].shape), (5, 6, 7))
        with torch.no_grad():
            torch.testing.assert_close(tensors["patch_embed"], m.patch_embed(loader[0]).transpose(1, 2), rtol=0, atol=0)

    def test_unknown_module_is_a_clear_error(self):
        with self.assertRaisesRegex(ValueError, "no module named 'layer9.0'"):
            self.rt.write_activations(self.model, ["conv1", "layer9.0"], self.loader, self.dir)

    def test_safetensors_package_reads_the_files(self):
        try:
            from safetensors import safe_open
        except ImportError:
            self.skipTest("the safetensors package is not installed")
        paths = self.rt.write_activations(self.model, ["conv1", "layer1.0"], self.loader, self.dir, batches=1, dtype="bfloat16")
        with safe_open(paths[0], framework="pt") as f:
            self.assertEqual(json.loads(f.metadata()["taps"]), ["conv1", "layer1.0"])
            self.assertEqual(f.get_tensor("layer1.0").dtype, torch.bfloat16)

    @unittest.skipUnless(os.path.exists(REDNAS), f"no rednas binary at {REDNAS} (build with swift build -c release)")
    def test_rednas_msrs_matches_a_float64_reference(self):
        taps = self.rt.preset_taps(self.model, "resnet")
        for reduce, pooling in (("gap", "gap"), (None, "flatten")):
            out = os.path.join(self.dir, pooling)
            paths = self.rt.write_activations(self.model, taps, self.loader, out, batches=3, reduce=reduce)
            r = subprocess.run([REDNAS, "msrs", "--activations", *paths, "--pooling", pooling, "--json"],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            got = json.loads(r.stdout)
            batches = [[read_safetensors(p)[1][t] for t in taps] for p in paths]
            want, mean = reference_msrs(batches)
            self.assertAlmostEqual(got["msrs"], want, places=9)
            self.assertTrue(torch.allclose(torch.tensor(got["cka"], dtype=torch.float64), mean, atol=1e-10))
            plan = subprocess.run([REDNAS, "prune-plan", "--activations", *paths, "--pooling", pooling, "--keep", "2", "--json"],
                                  capture_output=True, text=True)
            self.assertEqual(plan.returncode, 0, plan.stderr)
            adjacent = [mean[k, k + 1].item() for k in range(len(taps) - 1)]
            lowest = sorted(sorted(range(len(adjacent)), key=lambda k: (adjacent[k], k))[:2])
            self.assertEqual(json.loads(plan.stdout)["kept"], lowest)


if __name__ == "__main__":
    unittest.main(verbosity=2)
