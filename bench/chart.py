"""The run as one small PNG: poll throughput and p99, worker scaling, preview cost."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def draw(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), dpi=72)
    fig.suptitle(f"zorders benchmark  {results['meta']['started']}", fontsize=11)
    polls = results.get("poll") or {}
    if polls:
        # One group of bars per (processes, connections); one bar per server.
        groups = [(p, c) for p, poll in polls.items() for c in poll["servers"]["zorders"]]
        servers = list(next(iter(polls.values()))["servers"])
        width = 0.8 / len(servers)
        for n, name in enumerate(servers):
            xs = [i + n * width for i in range(len(groups))]
            rows = [polls[p]["servers"][name][c] for p, c in groups]
            axes[0][0].bar(xs, [row["rps"] for row in rows], width, label=name)
            axes[0][1].bar(xs, [row["p99_ms"] for row in rows], width, label=name)
        labels = [f"{c} conns\n{p} proc" for p, c in groups]
        for ax, title in ((axes[0][0], "poll req/s"), (axes[0][1], "poll p99 ms")):
            ax.set_xticks([i + width for i in range(len(groups))], labels, fontsize=8)
            ax.set_title(title, fontsize=10)
            ax.legend(fontsize=8)
    workers = results.get("workers", {})
    ax = axes[1][0]
    for dialect, data in workers.items():
        counts = [int(c) for c in data["by_workers"]]
        rates = [row["orders_per_s"] for row in data["by_workers"].values()]
        ax.plot(counts, rates, marker="o", label=dialect)
    ax.set_title("orders completed/s by worker processes", fontsize=10)
    ax.set_xlabel("worker processes")
    if workers:
        ax.legend(fontsize=8)
    ax = axes[1][1]
    for curve, data in results.get("preview", {}).items():
        sizes = [int(s) for s in data["points"]]
        costs = [point["ms"] for point in data["points"].values()]
        ax.plot(
            sizes, costs, marker="o", label=f"{curve} ({data['slope_ms_per_unit']:.2f} ms/unit)"
        )
    ax.set_title("preview ms by size (periods; subscriptions)", fontsize=10)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
