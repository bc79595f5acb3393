"""zorders' benchmark suite (`make bench`, `python -m bench`): real processes, ratios, one run.

Every measurement runs its references in the same run on the same machine, and reports
ratios: shared 2-core machines are too noisy for absolute numbers to compare across
runs. ``docs/performance.md`` explains what is measured and how to read the results.
"""
