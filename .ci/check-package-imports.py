#!/usr/bin/env python3
"""Checks that Package.swift lists, for every target, exactly the modules its files import.

Run from the repository root; exits 1 and names each target whose list differs.
"""
import glob
import re
import sys

SYSTEM = {"Foundation", "FoundationNetworking", "FoundationXML", "Glibc", "Darwin", "Dispatch", "Synchronization", "XCTest", "os"}
PRODUCTS = {"swift-argument-parser": "ArgumentParser"}


def imports(folder):
    found = set()
    for path in glob.glob(folder + "/**/*.swift", recursive=True):
        with open(path, encoding="utf-8") as f:
            found |= set(re.findall(r"^(?:@testable )?import (\w+)", f.read(), re.M))
    return found - SYSTEM


def main():
    with open("Package.swift", encoding="utf-8") as f:
        manifest = f.read()
    problems = []
    pattern = r'\.(target|executableTarget|testTarget)\(name: "([\w-]+)", dependencies: \[(.*?)\](,\s*path: "([^"]+)")?'
    for kind, name, deps, _, path in re.findall(pattern, manifest, re.S):
        deps = re.sub(r'package: "[\w-]+"', "", deps)  # a product's package is not a module
        declared = {PRODUCTS.get(d, d) for d in re.findall(r'"([\w-]+)"', deps)}
        folder = path or ("Tests/" if kind == "testTarget" else "Sources/") + name
        used = imports(folder)
        if name == "CLITests":
            used |= {"rednas"}  # runs the built binary, so it depends on it without importing it
        if declared != used:
            problems.append(f"{name}: imported but not declared {sorted(used - declared)}, "
                            f"declared but not imported {sorted(declared - used)}")
    for p in problems:
        print(f"Package.swift: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
