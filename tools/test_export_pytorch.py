#!/usr/bin/env python3
"""`rednas export` weights in PyTorch: the export's recipe and constructor arguments rebuild the
network, and its logits match RedNAS's on the same images.

Run: python3 -m unittest discover -s tools -p 'test_*.py' -v

Needs torch (skipped with a message without it), the built `rednas` binary ($REDNAS_BIN, else
.build/release/rednas) and Fashion-MNIST ($REDNAS_FASHION_MNIST, else
/usr/share/datasets/fashion-mnist): 1-channel images, so TinyNetwork's 3-channel stem must be swapped.
Two PyTorch networks are checked, each where it can be imported:
- the NATS-Bench reference `TinyNetwork` (xautodl), through the export's `pytorch_recipe` run as written;
- the PyTorch peer `NB201Net` ($REDNAS_PEER, else /work/shared/peer/nb201_torch.py), through the
  tensor-name mapping below (the peer names its modules differently).
"""
import importlib.util
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

try:
    import torch
    HAVE_TORCH = True
except ImportError:  # pragma: no cover - depends on the machine
    HAVE_TORCH = False

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REDNAS = os.environ.get("REDNAS_BIN", os.path.join(REPO, ".build", "release", "rednas"))
FASHION = os.environ.get("REDNAS_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
PEER = os.environ.get("REDNAS_PEER", "/work/shared/peer/nb201_torch.py")

CONFIG = """\
dataset:
  kind: fashion-mnist
  path: {data}
  train_subset: 256
  valid_subset: 64
  test_subset: 32
network:
  channels: 4
  cells: 1
training:
  epochs: 1
  batch_size: 64
msrs:
  batches: 1
  batch_size: 32
search:
  population: 2
  sample_size: 2
  budget:
    evaluations: 3
seed: 11
threads: 1
"""


def read_tensors(path):
    """An independent safetensors reader (no safetensors package): F32 and I64 tensors by name."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    header.pop("__metadata__", None)
    dtypes = {"F32": torch.float32, "I64": torch.int64}
    out = {}
    for name, d in header.items():
        b, e = d["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[b:e]), dtype=dtypes[d["dtype"]]).reshape(d["shape"])
    return out


def peer_state_dict(rednas_state, genotype):
    """RedNAS / TinyNetwork tensor names -> the peer NB201Net's: cells keep their positions, a
    cell's `layers.L` (every edge, `none` included) becomes `ops.K` (K counts the edges that are not
    `none`), `conv_a.op.`/`conv_b.op.` drop `op.`, `downsample` is `shortcut`, `lastact.0` is `head_bn`."""
    edges = [tok.split("~")[0] for part in genotype.split("+") for tok in part.strip("|").split("|")]
    module = {}
    for layer, op in enumerate(edges):
        if op != "none":
            module[layer] = len(module)
    out = {}
    for name, value in rednas_state.items():
        parts = name.split(".")
        if parts[0] == "lastact":
            name = "head_bn." + ".".join(parts[2:])
        elif parts[0] == "cells" and parts[2] == "layers":
            name = ".".join(["cells", parts[1], "ops", str(module[int(parts[3])])] + parts[5:])
        elif parts[0] == "cells" and parts[2] in ("conv_a", "conv_b"):
            name = ".".join(parts[:3] + parts[4:])
        elif parts[0] == "cells" and parts[2] == "downsample":
            name = ".".join(parts[:2] + ["shortcut"] + parts[3:])
        out[name] = value
    return out


@unittest.skipUnless(HAVE_TORCH, "torch is not installed here: the export's PyTorch recipe is not checked")
class ExportInPyTorchTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(REDNAS, os.X_OK):
            raise unittest.SkipTest(f"no rednas binary at {REDNAS} (build it or set REDNAS_BIN)")
        if not os.path.exists(os.path.join(FASHION, "train-images-idx3-ubyte.gz")):
            raise unittest.SkipTest(f"no Fashion-MNIST in {FASHION} (set REDNAS_FASHION_MNIST)")
        cls.tmp = tempfile.TemporaryDirectory()
        work = cls.tmp.name
        config = os.path.join(work, "tiny.yaml")
        with open(config, "w") as f:
            f.write(CONFIG.format(data=FASHION))
        run = os.path.join(work, "run")
        subprocess.run([REDNAS, "search", "--config", config, "--run-dir", run, "--quiet"], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([REDNAS, "export", run], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(run, "export.json")) as f:
            cls.export = json.load(f)
        cls.run_dir = run
        cls.dump = os.path.join(work, "logits.safetensors")
        subprocess.run([REDNAS, "eval", "--config", os.path.join(run, "config.yaml"), "--weights", cls.export["weights"],
                        "--split", "test", "--logits", cls.dump, "--logits-images", "12"], check=True,
                       stdout=subprocess.DEVNULL)
        cls.tensors = read_tensors(cls.dump)
        cls.weights = read_tensors(cls.export["weights"])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def assertLogitsMatch(self, logits, what):
        expected = self.tensors["logits"]
        self.assertEqual(tuple(logits.shape), tuple(expected.shape))
        scale = expected.abs().max().item()
        diff = (logits - expected).abs().max().item()
        self.assertLess(diff, 1e-4 * max(scale, 1.0), f"{what}: logits differ from RedNAS's by {diff} (scale {scale})")

    def test_the_export_describes_the_network_and_its_input(self):
        e = self.export
        t = e["tiny_network"]
        self.assertEqual((t["c"], t["n"], t["in_channels"], t["num_classes"], t["input_size"]), (4, 1, 1, 10, 28))
        self.assertEqual(t["genotype"], e["arch"])
        # The recorded normalisation is what RedNAS fed the network.
        mean = torch.tensor(e["normalization"]["mean"]).view(1, -1, 1, 1)
        std = torch.tensor(e["normalization"]["std"]).view(1, -1, 1, 1)
        inputs = (self.tensors["pixels"] / 255 - mean) / std
        self.assertLess((inputs - self.tensors["inputs"]).abs().max().item(), 1e-5)

    def test_the_recipe_loads_the_weights_into_the_reference_tiny_network(self):
        try:
            import xautodl.models.cell_infers.tiny_network  # noqa: F401
            import safetensors.torch  # noqa: F401
        except ImportError as error:
            self.skipTest(f"the reference TinyNetwork (pip package xautodl) or safetensors is missing: {error}")
        scope = {"pixels": self.tensors["pixels"]}
        cwd = os.getcwd()
        os.chdir(self.run_dir)  # the recipe opens export.json
        try:
            with torch.no_grad():
                exec("\n".join(self.export["pytorch_recipe"]), scope)
        finally:
            os.chdir(cwd)
        self.assertLogitsMatch(scope["logits"], "TinyNetwork via pytorch_recipe")

    def test_the_weights_load_into_the_pytorch_peer(self):
        if not os.path.exists(PEER):
            self.skipTest(f"no PyTorch peer at {PEER} (set REDNAS_PEER)")
        spec = importlib.util.spec_from_file_location("nb201_torch", PEER)
        peer = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(peer)
        t = self.export["tiny_network"]
        net = peer.NB201Net(t["genotype"], C=t["c"], N=t["n"], num_classes=t["num_classes"])
        net.stem[0] = torch.nn.Conv2d(t["in_channels"], t["c"], 3, padding=1, bias=False)  # the peer's stem is 3-channel too
        net.load_state_dict(peer_state_dict(self.weights, t["genotype"]), strict=True)
        net.eval()
        with torch.no_grad():
            self.assertLogitsMatch(net(self.tensors["inputs"]), "peer NB201Net")


if __name__ == "__main__":
    unittest.main()
