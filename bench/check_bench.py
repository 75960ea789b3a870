"""Benchmark: `handoff check` over a large generated tree, beside two references.

Run: `.venv/bin/python bench/check_bench.py [--count 10000]`. Prints files/s for

* `handoff check handoffs/` as a whole process (what CI and pre-commit run),
* a parse-only floor: libyaml front matter + a heading scan, one core,
* check-jsonschema validating only the same files' front matter,

their ratios, and the wall time of a single-file check as pre-commit runs it.
Targets (issue 2): >= 1,000 files/s, <= 2x the floor's time, >= 5x check-jsonschema,
single file < 0.3 s.  Figures are compared within one run: the machines are noisy.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(PROJECT))

from tests.factories import BODY, FRONT_MATTER  # noqa: E402 - after the path is set

CUSTOMERS = ["Northwind", "Contoso", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Acme"]
INDUSTRY = ["Health", "Logistics", "Bank", "University", "Retail", "Manufacturing", "Energy", "Media"]
TYPES = ["implementation", "onboarding", "customer-success", "delivery", "account-management"]
RECEIVERS = {
    "implementation": ("@raj-impl", "implementation"),
    "onboarding": ("@tom-onboard", "onboarding"),
    "customer-success": ("@kim-csm", "customer-success"),
    "delivery": ("@eva-delivery", "delivery"),
    "account-management": ("@priya-am", "account-management"),
}
EXTRA_PROMISES = [
    "- Weekly status call with the project sponsor during the first 8 weeks (source: proposal p. 9)",
    "- Single sign-on through the customer's identity provider before go-live (source: order form §2.3)",
    "- Data export of all records in CSV every month (source: call notes 2026-11-02)",
    "- Admin console access for 5 named administrators (source: order form §2.2)",
]


def generate(root: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    shutil.copytree(PROJECT / "schema", root / "schema")
    paths = []
    for n in range(count):
        customer = f"{rng.choice(CUSTOMERS)} {rng.choice(INDUSTRY)} {n}"
        handoff_type = rng.choice(TYPES)
        owner, team = RECEIVERS[handoff_type]
        front = (
            FRONT_MATTER.replace("Northwind Health", customer)
            .replace("type: implementation", f"type: {handoff_type}")
            .replace('"@raj-impl"', f'"{owner}"')
            .replace("team: implementation", f"team: {team}")
        )
        body = BODY.replace("## Exclusions", "\n".join(rng.sample(EXTRA_PROMISES, 2)) + "\n\n## Exclusions")
        slug = customer.lower().replace(" ", "-")
        path = root / "handoffs" / slug / f"2026-11-{1 + n % 28:02d}-{handoff_type}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
        paths.append(path)
    return paths


FLOOR = """
import sys, yaml, re
from pathlib import Path
heading = re.compile(r"^## (.+)$", re.M)
for path in Path(sys.argv[1]).rglob("*.md"):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\\n", 2)
    yaml.load(front, Loader=yaml.CSafeLoader)
    heading.findall(body)
"""


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def extract_front_matter(paths: list[Path], into: Path) -> list[Path]:
    into.mkdir()
    out = []
    for n, path in enumerate(paths):
        target = into / f"{n}.yaml"
        target.write_text(path.read_text(encoding="utf-8").split("---\n", 2)[1], encoding="utf-8")
        out.append(target)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = generate(root, args.count)
        fronts = extract_front_matter(paths, root / "fronts")
        handoff = str(BIN / "handoff")
        checked = timed([handoff, "check", "handoffs/"], root)
        floor = timed([sys.executable, "-c", FLOOR, "handoffs"], root)
        schema = str(PROJECT / "schema" / "handoff.schema.json")
        jsonschema = timed([str(BIN / "check-jsonschema"), "--schemafile", schema, *map(str, fronts)], root)
        single = min(timed([handoff, "check", str(paths[0].relative_to(root))], root) for _ in range(5))
    rate = args.count / checked
    print(f"files:                      {args.count:,}")
    print(f"handoff check (process):    {checked:7.2f} s  {rate:8.0f} files/s")
    print(f"parse-only floor (1 core):  {floor:7.2f} s  {args.count / floor:8.0f} files/s")
    print(f"check-jsonschema (front):   {jsonschema:7.2f} s  {args.count / jsonschema:8.0f} files/s")
    print(f"time vs floor:              {checked / floor:7.2f}x  (target <= 2x)")
    print(f"speed vs check-jsonschema:  {jsonschema / checked:7.2f}x  (target >= 5x)")
    print(f"single file (pre-commit):   {single:7.3f} s  (target < 0.3 s, best of 5)")


if __name__ == "__main__":
    main()
