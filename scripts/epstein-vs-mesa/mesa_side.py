"""Run Mesa's shipped Epstein civil violence example headless and write its
counts per step, one row per (seed, step), to a CSV.

Usage (in a virtual environment with Mesa installed, see README.md here):
    python mesa_side.py --seeds 0-39 --steps 300 --out mesa.csv

Parameters are NetLogo's defaults on Mesa's 40 x 40 grid: cop density 0.04,
legitimacy 0.82, maximum jail term 30 (Mesa's own defaults differ: 0.074,
0.8 and 1000). Everything else is Mesa's default (citizen density 0.7,
vision 7, threshold 0.1, k = 2.3). Nothing of Mesa is copied here: the
model is imported from the installed package.
"""

import argparse
import csv
import sys
import time

from mesa.examples.advanced.epstein_civil_violence.agents import Citizen
from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence


def seeds(text):
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0-29")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--width", type=int, default=40)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.out + ".part", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["seed", "step", "citizens", "cops", "quiet", "active", "arrested"])
        agent_steps, busy = 0, 0.0
        for s in seeds(a.seeds):
            m = EpsteinCivilViolence(
                width=a.width,
                height=a.width,
                cop_density=0.04,
                legitimacy=0.82,
                max_jail_term=30,
                max_iters=10**9,
                seed=s,
            )
            citizens = len(m.agents_by_type[Citizen])
            cops = len(m.agents) - citizens
            rows = [(s, 0, citizens, cops, m.QUIET, m.ACTIVE, m.ARRESTED)]
            t0 = time.perf_counter()
            for step in range(1, a.steps + 1):
                m.step()
                rows.append((s, step, citizens, cops, m.QUIET, m.ACTIVE, m.ARRESTED))
            busy += time.perf_counter() - t0
            agent_steps += len(m.agents) * a.steps
            w.writerows(rows)
            f.flush()
            print(f"seed {s}: {citizens} citizens, {cops} cops, peak {max(r[5] for r in rows)}", file=sys.stderr)
    import os

    os.replace(a.out + ".part", a.out)
    print(f"mesa: {agent_steps} agent-steps in {busy:.1f} s: {agent_steps / busy:.0f} agent-steps/s", file=sys.stderr)


if __name__ == "__main__":
    main()
