#!/usr/bin/env python3
"""Reshapes a generated corpus into one shaped like a real monorepo, with the same number of
files: deep trees (6 to 9 directories), modules of 8 to 40 files, long files (several
generated files end to end, a few hundred to a few thousand lines), and few backends (one
module in twenty has a `versions.tf` with its backend; the others have none).

    python3 benches/monorepo.py SOURCE_CORPUS OUT_DIR FILES [SEED]
"""
import os
import random
import sys

source, out, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 42)

bodies, backends = [], []
for dirpath, dirnames, filenames in os.walk(source):
    dirnames.sort()
    for name in sorted(filenames):
        path = os.path.join(dirpath, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if name == "versions.tf":
            if 'backend "s3"' in text:
                backends.append(text)
        else:
            bodies.append(text)
if not bodies or not backends:
    sys.exit(f"monorepo.py: {source} has no files to reshape")

AREAS = ["platform", "product", "data", "security", "infra", "shared"]
LAYERS = ["live", "stacks", "components", "modules"]
ENVS = ["prod", "staging", "dev", "qa"]
REGIONS = ["nyc3", "sfo3", "ams3", "fra1", "sgp1"]
KINDS = ["network", "compute", "storage", "dns", "iam", "db", "cache", "queue", "cdn", "k8s"]

written, module = 0, 0
while written < total:
    depth = rng.randint(6, 9)
    parts = [rng.choice(AREAS), rng.choice(LAYERS), f"team-{rng.randrange(40):02d}",
             f"svc-{module:05d}", rng.choice(ENVS), rng.choice(REGIONS), rng.choice(KINDS),
             f"part-{rng.randrange(4)}", f"unit-{rng.randrange(3)}"][:depth]
    directory = os.path.join(out, *parts)
    os.makedirs(directory, exist_ok=True)
    count = min(rng.randint(8, 40), total - written)
    files = []
    if module % 20 == 0 and count > 1:
        files.append(("versions.tf", rng.choice(backends)))
    while len(files) < count:
        joined = "\n".join(rng.choice(bodies) for _ in range(rng.randint(2, 6)))
        files.append((f"{rng.choice(KINDS)}-{len(files):02d}.tf", joined))
    for name, text in files:
        with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
            f.write(text)
    written += len(files)
    module += 1
print(f"monorepo.py: {written} files in {module} modules -> {out}", file=sys.stderr)
