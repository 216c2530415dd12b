"""Read a sweep's runs.csv and aggregates.csv with pandas (README, "Analysing results").

    python3 docs/examples/analyse.py out/my-sweep [OUTCOME]

tests/analysis_examples.rs runs it on a real sweep, so it stays true.
"""
import sys

import pandas as pd

out = sys.argv[1]
outcome = sys.argv[2] if len(sys.argv) > 2 else "end.dead"

# One row a run; the swept parameters are the columns between `seed` and `status`.
runs = pd.read_csv(f"{out}/runs.csv")
runs = runs[runs.status == "ok"]
params = list(runs.columns[runs.columns.get_loc("seed") + 1 : runs.columns.get_loc("status")])

# An outcome's mean, sd and count at each design point.
print(runs.groupby(["point", "policy"] + params)[outcome].agg(["mean", "std", "count"]))

# Paired differences against point 0: under common seeding (the default),
# replicate r of every point drew the same random numbers.
wide = runs.pivot_table(index="replicate", columns="point", values=outcome)
diff = wide.sub(wide[0], axis=0)
print(diff.agg(["mean", "sem"]).T)

# The daily series reduced per point (long form): one column over the days.
agg = pd.read_csv(f"{out}/aggregates.csv")
series = agg[agg["column"] == "present"].pivot_table(index="day", columns="point", values="mean")
print(series.tail())
