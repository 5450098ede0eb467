#!/usr/bin/env python3
"""Turns a generated corpus into a git repository whose CI passes settings at `terraform init`:
the tree as it is (hard links, no copy of the bytes), a `.git` directory, and one GitHub
workflow whose steps run `terraform -chdir=<module> init -backend-config=…` for one module in
ten: a partial file from `backends/` and a `KEY=VALUE` setting each.

    python3 benches/ci_repo.py SOURCE_CORPUS OUT_DIR
"""
import os
import shutil
import sys

source, out = sys.argv[1], sys.argv[2]
shutil.copytree(source, out, copy_function=os.link)
os.makedirs(os.path.join(out, ".git"), exist_ok=True)

modules = []
for dirpath, dirnames, filenames in os.walk(out):
    dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
    if any(name.endswith(".tf") for name in filenames):
        modules.append(os.path.relpath(dirpath, out))
modules.sort()
if not modules:
    sys.exit(f"ci_repo.py: {source} has no modules")

os.makedirs(os.path.join(out, "backends"), exist_ok=True)
steps = []
for i, module in enumerate(modules[::10]):
    partial = f"backends/env-{i:04d}.s3.tfbackend"
    with open(os.path.join(out, partial), "w", encoding="utf-8") as f:
        f.write(f'bucket = "acme-tfstate"\nkey    = "{module}/terraform.tfstate"\n')
    steps.append(
        f"      - run: terraform -chdir={module} init"
        f" -backend-config=../{'../' * module.count('/')}{partial}"
        f' -backend-config="region=us-east-1"\n'
    )
os.makedirs(os.path.join(out, ".github", "workflows"), exist_ok=True)
with open(os.path.join(out, ".github", "workflows", "plan.yml"), "w", encoding="utf-8") as f:
    f.write("on: push\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    steps:\n")
    f.write("      - uses: actions/checkout@v4\n")
    f.writelines(steps)
print(f"ci_repo.py: {len(modules)} modules, {len(steps)} paired by a workflow -> {out}", file=sys.stderr)
