#!/usr/bin/env python3
"""Regenerates HvFleet.slnx from every .csproj under the top-level folders (run after merges)."""
import glob
import os

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
folders = ["security", "protos", "agent", "orchestrator", "tests", "deploy", "bench"]
lines = ["<Solution>"]
for folder in folders:
    projects = sorted(glob.glob(os.path.join(root, folder, "**", "*.csproj"), recursive=True))
    projects = [p for p in projects if "/obj/" not in p and "/bin/" not in p and "node_modules" not in p]
    if not projects:
        continue
    lines.append(f'  <Folder Name="/{folder}/">')
    for p in projects:
        lines.append(f'    <Project Path="{os.path.relpath(p, root)}" />')
    lines.append("  </Folder>")
lines.append("</Solution>")
open(os.path.join(root, "HvFleet.slnx"), "w").write("\n".join(lines) + "\n")
