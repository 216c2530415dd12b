"""Compare resist's Epstein model with Mesa's shipped example, in distribution.

Runs resist for replicates 0..N-1 of a scenario (by default resist-mesa.toml
here: the published defaults with variant = "mesa"), reads Mesa's counts
written by mesa_side.py, and prints one row per statistic: mean and standard
deviation on each side, the z of the difference of means, and the
two-sample Kolmogorov-Smirnov p. Every statistic is per run, over steps 0 to
the last; counts are shares of the run's citizens.

    python3 compare.py --mesa-csv mesa.csv [--resist target/release/resist]
        [--scenario resist-mesa.toml] [--replicates 40] [--steps 300]
        [--seed S] [--set epstein.key=value ...] [--markdown] [--max-z Z]

Uses only Python's standard library (scipy's KS test when it is installed).
"""

import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def stats(citizens, active, jailed):
    """The compared statistics of one run, from its counts per step."""
    n = len(active)
    share = [a / citizens for a in active]
    mean = sum(active) / n
    var = sum((a - mean) ** 2 for a in active) / n
    m4 = sum((a - mean) ** 4 for a in active) / n
    outbursts, inside = 0, False
    for s in share:
        now = s >= 0.05 and s > 0
        if now and not inside:
            outbursts += 1
        inside = now
    return {
        "mean active": mean / citizens,
        "mean jailed": sum(jailed) / n / citizens,
        "peak active": max(share),
        "quiet steps": sum(1 for s in share if s < 0.01) / n,
        "outbursts (>5%)": outbursts,
        "excess kurtosis": m4 / (var * var) - 3 if var > 0 else 0.0,
    }


def mesa_runs(path):
    runs = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            r = runs.setdefault(int(row["seed"]), {"citizens": int(row["citizens"]), "active": [], "jailed": []})
            r["active"].append(int(row["active"]))
            r["jailed"].append(int(row["arrested"]))
    return [stats(r["citizens"], r["active"], r["jailed"]) for _, r in sorted(runs.items())]


def resist_runs(exe, scenario, reps, steps, sets, seed):
    if sets:
        tables = {}
        for s in sets:
            key, _, value = s.partition("=")
            table, _, k = key.rpartition(".")
            tables.setdefault(table, []).append(f"{k} = {value}")
        text = f'base = "{os.path.abspath(scenario)}"\n'
        for t, lines in tables.items():
            text += f"[{t}]\n" + "\n".join(lines) + "\n"
        fd, scenario = tempfile.mkstemp(suffix=".toml")
        with os.fdopen(fd, "w") as f:
            f.write(text)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(reps):
            d = os.path.join(tmp, f"r{r}")
            seed_args = ["--seed", str(seed)] if seed is not None else []
            subprocess.run([exe, "run", scenario, "--replicate", str(r), "--days", str(steps), "--out", d, *seed_args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(os.path.join(d, "timeseries.csv")) as f:
                rows = list(csv.DictReader(f))
            citizens = int(rows[0]["quiet"]) + int(rows[0]["active"]) + int(rows[0]["jailed_until_release"])
            out.append(stats(citizens, [int(x["active"]) for x in rows], [int(x["jailed_until_release"]) for x in rows]))
    return out


def ks_p(a, b):
    try:
        from scipy.stats import ks_2samp

        return ks_2samp(a, b).pvalue
    except ImportError:
        pass
    # The asymptotic distribution, with Stephens' correction for small samples.
    d = 0.0
    for x in sorted(set(a) | set(b)):
        d = max(d, abs(sum(v <= x for v in a) / len(a) - sum(v <= x for v in b) / len(b)))
    en = math.sqrt(len(a) * len(b) / (len(a) + len(b)))
    lam = (en + 0.12 + 0.11 / en) * d
    p = 2 * sum((-1) ** (j - 1) * math.exp(-2 * j * j * lam * lam) for j in range(1, 101))
    return min(max(p, 0.0), 1.0)


def mean_sd(v):
    m = sum(v) / len(v)
    return m, math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mesa-csv", required=True)
    ap.add_argument("--resist", default=os.path.join(HERE, "..", "..", "target", "release", "resist"))
    ap.add_argument("--scenario", default=os.path.join(HERE, "resist-mesa.toml"))
    ap.add_argument("--replicates", type=int, default=40)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--seed", type=int, default=None, help="resist's master seed (default: the scenario's, 2002)")
    ap.add_argument("--set", action="append", default=[], help="epstein.key=value (TOML value), overriding the scenario")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--max-z", type=float, default=None, help="exit 1 if some |z| is above this")
    a = ap.parse_args()
    mesa = mesa_runs(a.mesa_csv)
    ours = resist_runs(a.resist, a.scenario, a.replicates, a.steps, a.set, a.seed)
    worst = 0.0
    if a.markdown:
        print(f"| statistic (per run) | Mesa 3.3.1, {len(mesa)} seeds: mean (sd) | resist, {len(ours)} replicates: mean (sd) | z | KS p |")
        print("|---|---|---|---|---|")
    else:
        print(f"{'statistic':<18} {'Mesa mean':>10} {'(sd)':>8} {'resist mean':>12} {'(sd)':>8} {'z':>6} {'KS p':>6}   Mesa n={len(mesa)}, resist n={len(ours)}")
    for k in mesa[0]:
        x, y = [r[k] for r in mesa], [r[k] for r in ours]
        (mx, sx), (my, sy) = mean_sd(x), mean_sd(y)
        se = math.sqrt(sx * sx / len(x) + sy * sy / len(y))
        z = (my - mx) / se if se > 0 else 0.0
        p = ks_p(x, y)
        worst = max(worst, abs(z))
        if a.markdown:
            print(f"| {k} | {mx:.4g} ({sx:.3g}) | {my:.4g} ({sy:.3g}) | {z:+.2f} | {p:.2f} |")
        else:
            print(f"{k:<18} {mx:>10.4g} {sx:>8.3g} {my:>12.4g} {sy:>8.3g} {z:>+6.2f} {p:>6.2f}")
    if a.max_z is not None and worst > a.max_z:
        print(f"largest |z| {worst:.2f} is above {a.max_z}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
