"""Which options give the paper's sudden-versus-gradual result: for each set of
options, 30 replicates (seed 2002) of scenarios/epstein-sudden.toml and of
scenarios/epstein-gradual.toml, and the mean peak of active citizens of each,
with the 99% interval of the difference (as tests/epstein.rs computes it).

    python3 scripts/epstein-vs-mesa/sudden_vs_gradual.py [--resist target/release/resist] [--replicates 30]
"""

import argparse
import csv
import math
import os
import subprocess
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

OPTIONS = [
    ("paper (defaults): von Neumann, floor", ""),
    ("ratio = half_away_from_zero", 'ratio = "half_away_from_zero"'),
    ("ratio = half_even", 'ratio = "half_even"'),
    ("ratio = as_is", 'ratio = "as_is"'),
    ("neighbourhood = moore", 'neighbourhood = "moore"'),
    ("neighbourhood = disc", 'neighbourhood = "disc"'),
    ("order = decide_then_move", 'order = "decide_then_move"'),
    ("jailed = stay_on_cell (cops stay)", 'jailed = "stay_on_cell"\ncops_move_to_arrest = false'),
    ("placement = per_cell_draw", 'placement = "per_cell_draw"'),
    ("variant = netlogo", 'variant = "netlogo"'),
    ("variant = mesa", 'variant = "mesa"'),
    ("variant = mesa, ratio = floor", 'variant = "mesa"\nratio = "floor"'),
]


def peaks(exe, base, extra, reps, tmp):
    path = os.path.join(tmp, "s.toml")
    with open(path, "w") as f:
        f.write(f'base = "{os.path.abspath(os.path.join(ROOT, "scenarios", base))}"\n[epstein]\n{extra}\n')
    out = os.path.join(tmp, "out")
    subprocess.run([exe, "run", path, "--replicates", str(reps), "--threads", "1", "--out", out, "--force"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(out, "replicates.csv")) as f:
        return [float(r["peak_active"]) for r in csv.DictReader(f)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--resist", default=os.path.join(ROOT, "target", "release", "resist"))
    ap.add_argument("--replicates", type=int, default=30)
    a = ap.parse_args()
    print("| options | sudden: mean peak (range) | gradual: mean peak (range) | sudden - gradual, 99% CI | result |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, extra in OPTIONS:
            s = peaks(a.resist, "epstein-sudden.toml", extra, a.replicates, tmp)
            g = peaks(a.resist, "epstein-gradual.toml", extra, a.replicates, tmp)
            ms, mg = sum(s) / len(s), sum(g) / len(g)
            var = lambda v, m: sum((x - m) ** 2 for x in v) / (len(v) - 1)
            half = 2.576 * math.sqrt(var(s, ms) / len(s) + var(g, mg) / len(g))
            d = ms - mg
            verdict = "holds" if d - half > 0 else ("reversed" if d + half < 0 else "tie")
            print(f"| {label} | {ms:.0f} ({min(s):.0f}-{max(s):.0f}) | {mg:.0f} ({min(g):.0f}-{max(g):.0f}) | {d:+.0f} [{d - half:+.0f}, {d + half:+.0f}] | {verdict} |", flush=True)


if __name__ == "__main__":
    main()
