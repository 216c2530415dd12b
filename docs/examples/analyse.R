# Read a sweep's runs.csv and aggregates.csv in R (README, "Analysing results").
#
#     Rscript docs/examples/analyse.R out/my-sweep [OUTCOME]
#
# tests/analysis_examples.rs runs it on a real sweep, so it stays true.
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
outcome <- if (length(args) > 1) args[2] else "end.dead"

# One row a run; the swept parameters are the columns between `seed` and `status`.
runs <- read.csv(file.path(out, "runs.csv"), check.names = FALSE)
runs <- runs[runs$status == "ok", ]
cols <- names(runs)
params <- cols[seq_len(match("status", cols) - match("seed", cols) - 1) + match("seed", cols)]

# An outcome's mean at each design point.
print(aggregate(runs[outcome], by = runs[c("point", "policy", params)], FUN = mean))

# Paired differences against point 0 (common seeding: replicate r shares its draws).
ref <- runs[runs$point == 0, c("replicate", outcome)]
paired <- merge(runs[c("point", "replicate", outcome)], ref, by = "replicate", suffixes = c("", ".ref"))
paired$difference <- paired[[outcome]] - paired[[paste0(outcome, ".ref")]]
print(aggregate(difference ~ point, data = paired, FUN = mean))

# The daily series reduced per point (long form): one column over the days.
agg <- read.csv(file.path(out, "aggregates.csv"), check.names = FALSE)
present <- agg[agg$column == "present", c("point", params, "day", "mean", "q05", "q95")]
print(tail(present))
