#!/usr/bin/env python3
"""The workspace's boundaries, as docs/architecture.md states them:

1. crate edges: every dependency between workspace crates (from `cargo metadata`, normal
   dependencies) is in the "crate-edges" table;
2. table ownership: a crate names a table of `portal_db::schema` only if it owns it or is listed as
   using its record in the "table-owners" table;
3. no domain crate depends on actix or utoipa (from `cargo tree`).

Run from the repository root: python3 .ci/check-boundaries.py
"""

import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
DOMAIN_CRATES = [
    "portal-core", "portal-db", "portal-audit", "portal-sections", "portal-auth",
    "portal-content", "portal-moderation", "portal-delivery", "portal-feedback",
    "portal-consultation", "portal-royalties", "portal-datasets",
]


def table_rows(marker):
    match = re.search(rf"<!-- {marker}[^>]*-->(.*?)<!-- /{marker} -->", DOC, re.S)
    if not match:
        sys.exit(f"docs/architecture.md has no <!-- {marker} --> table")
    rows = []
    for line in match.group(1).strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    return rows


def names(cell):
    return re.findall(r"`([a-z_-]+)`", cell)


failures = []

# 1. Crate edges.
allowed_edges = {}
for crate, _owns, deps in table_rows("crate-edges"):
    allowed_edges[names(crate)[0]] = set(names(deps))
metadata = json.loads(subprocess.run(
    ["cargo", "metadata", "--format-version", "1", "--no-deps"],
    cwd=ROOT, check=True, capture_output=True, text=True).stdout)
members = {p["name"] for p in metadata["packages"]}
for package in metadata["packages"]:
    name = package["name"]
    if name not in allowed_edges:
        failures.append(f"{name} is not in the crate-edges table of docs/architecture.md")
        continue
    for dep in package["dependencies"]:
        if dep["name"] in members and dep.get("kind") is None and dep["name"] not in allowed_edges[name]:
            failures.append(f"{name} depends on {dep['name']}, which the crate-edges table does not allow")

# 2. Table ownership.
schema_dir = ROOT / "crates" / "portal-db" / "src"
schema = "".join(f.read_text(encoding="utf-8")
                 for f in [schema_dir / "schema.rs", *sorted((schema_dir / "schema").glob("*.rs"))])
tables = set(re.findall(r"^    ([a-z_]+) \(", schema, re.M))
allowed_tables = {}
for table, owner, others in table_rows("table-owners"):
    t = names(table)[0]
    allowed_tables[t] = {names(owner)[0], *names(others)}
for t in sorted(tables - allowed_tables.keys()):
    failures.append(f"table {t} has no owner in docs/architecture.md")
sources = [(p.relative_to(ROOT).parts[1], p) for p in (ROOT / "crates").glob("*/src/**/*.rs")]
sources += [("portal", p) for p in (ROOT / "src").glob("**/*.rs")]
for crate, path in sources:
    if crate == "portal-db":
        continue
    text = re.sub(r"//.*", "", path.read_text(encoding="utf-8"))
    used = set()
    for group in re.findall(r"schema::\{([^}]*)\}", text):
        used |= {t.strip() for t in group.split(",")}
    used |= set(re.findall(r"schema::([a-z_]+)", text))
    for t in sorted(used & tables):
        if crate not in allowed_tables.get(t, set()):
            rel = path.relative_to(ROOT)
            failures.append(f"{rel} uses table {t}, which belongs to "
                            f"{sorted(allowed_tables.get(t, {'nobody'}))[0]}: go through its functions")

# 3. No HTTP framework below the api.
for crate in DOMAIN_CRATES:
    tree = subprocess.run(["cargo", "tree", "-p", crate, "-e", "normal", "--prefix", "none"],
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout
    http = sorted({line.split()[0] for line in tree.splitlines()
                   if re.match(r"^(actix|awc|utoipa)", line)})
    if http:
        failures.append(f"{crate} depends on {', '.join(http)}")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"ok: {len(members)} crates within their edges, {len(tables)} tables used by their owners "
      "or as listed, no HTTP framework below the api")
