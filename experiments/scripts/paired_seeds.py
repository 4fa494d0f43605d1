"""Mean, standard deviation and a paired 95 % t-interval of a metric between two variants of a
sweep whose runs share seeds (e.g. sweep-ptb-pn-ln.yaml: norm-ln_seed-K against norm-pn_seed-K).
Reads each run's metrics.csv (the final epoch's row, and the best row by the metric).
    python3 experiments/scripts/paired_seeds.py SWEEP_DIR norm-ln norm-pn test_perplexity
Needs a Python 3 with numpy and scipy; analysis only, not a dependency of lipreg."""
import csv
import glob
import os
import sys

import numpy as np
from scipy import stats


def read(run_dir, metric):
    with open(os.path.join(run_dir, "metrics.csv")) as f:
        rows = list(csv.DictReader(f))
    values = [float(r[metric]) for r in rows]
    return values[-1], min(values)


def main(sweep, a, b, metric):
    runs = {}
    for variant in (a, b):
        for d in sorted(glob.glob(os.path.join(sweep, variant + "_seed-*"))):
            seed = d.rsplit("_seed-", 1)[1]
            runs.setdefault(seed, {})[variant] = read(d, metric)
    seeds = sorted(s for s in runs if a in runs[s] and b in runs[s])
    for which, label in ((0, "final epoch"), (1, "best epoch")):
        xa = np.array([runs[s][a][which] for s in seeds])
        xb = np.array([runs[s][b][which] for s in seeds])
        diff = xb - xa
        half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
        p = stats.ttest_rel(xb, xa).pvalue
        print(f"{metric}, {label}, seeds {', '.join(seeds)}")
        print(f"  {a}: {xa.mean():.1f} ± {xa.std(ddof=1):.1f}   ({', '.join(f'{v:.1f}' for v in xa)})")
        print(f"  {b}: {xb.mean():.1f} ± {xb.std(ddof=1):.1f}   ({', '.join(f'{v:.1f}' for v in xb)})")
        print(f"  {b} - {a}: {diff.mean():+.1f}, 95 % t-interval [{diff.mean() - half:+.1f}, {diff.mean() + half:+.1f}],"
              f" paired t-test p = {p:.3g}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
