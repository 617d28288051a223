#!/usr/bin/python3
"""Plots plantwin_bench's scaling study from its --json document.

Left: the run's ns per event against stations (log-log), for the engine, the minimal C++ loop and
SimPy (the `scaling` and `simpy-scaling` measurements). Right, when the document has them: the
network measurement's ns per event (run time / events) against devices. Uses Debian's matplotlib
(python3-matplotlib) without a display.

    ./build/bench/plantwin_bench --json > bench.json
    /usr/bin/python3 bench/plot_scaling.py bench.json -o docs/img/scaling.png
    /usr/bin/python3 bench/plot_scaling.py bench.json --markdown   # the tables of docs/performance.md
"""

import argparse
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)


def scaling_series(doc):
    """(stations, engine ns, loop ns) of the C++ scaling rows, and (stations, ns) of SimPy's."""
    cpp = []
    for row in doc.get("scaling", {}).get("rows", []):
        e, l = row.get("engine", {}), row.get("loop", {})
        if "ns_per_event" in e and "ns_per_event" in l:
            cpp.append((row["stations"], e["ns_per_event"], l["ns_per_event"]))
    simpy = doc.get("simpy_scaling", {})
    py = [(r["stations"], r["ns_per_event"]) for r in simpy.get("rows", []) if "ns_per_event" in r]
    label = f"{simpy['api']} {simpy['version']}" if simpy.get("ran") else None
    return cpp, py, label


def network_series(doc):
    """(devices, ns per event, ns per event without the shortcuts past SimGrid or None) per size."""
    rows = []
    for n in doc.get("network_sizes", []):
        if "ns_per_event" not in n:
            continue
        ref = n.get("without_shortcuts")
        rows.append((n["devices"], n["ns_per_event"], 1e9 * ref["median_run_s"] / n["events"] if ref else None))
    return rows


def markdown(doc):
    """The study's tables, as docs/performance.md gives them."""
    simpy = {r["stations"]: r for r in doc.get("simpy_scaling", {}).get("rows", []) if "ns_per_event" in r}
    print("| stations | lines | horizon per line | engine events | loop events | engine ns/event | loop ns/event "
          "| engine/loop | SimPy events | SimPy ns/event | SimPy/engine | engine build | engine RSS | loop RSS "
          "| SimPy RSS | SimPy against the loop |")
    print("|" + "---:|" * 15 + "---|")
    for row in doc.get("scaling", {}).get("rows", []):
        e, l = row.get("engine", {}), row.get("loop", {})
        if "ns_per_event" not in e or "ns_per_event" not in l:
            continue
        n = row["stations"]
        p = simpy.get(n, {})
        horizon = p.get("horizon_s")
        print(f"| {n:,} | {n // 10:,} | {horizon:,.0f} s | {e['events']:,} | {l['events']:,} | {e['ns_per_event']:.1f} "
              f"| {l['ns_per_event']:.1f} | {e['ns_per_event'] / l['ns_per_event']:.2f}x "
              f"| {p.get('events', 0):,} | {p.get('ns_per_event', float('nan')):,.0f} "
              f"| {p.get('ns_per_event', float('nan')) / e['ns_per_event']:.0f}x | {e['build_s']:.3f} s "
              f"| {e['max_rss_kib'] / 1024:.1f} MiB | {l['max_rss_kib'] / 1024:.1f} MiB "
              f"| {p.get('max_rss_kib', 0) / 1024:.1f} MiB | {p.get('against_loop', '-')} |")
    nets = doc.get("network_sizes", [])
    if nets:
        print()
        print("| devices | horizon | events | transfers | of them in SimGrid | M events/s (whole process) | build | run "
              "| inside SimGrid | ns/event (run) | peak RSS | without the shortcuts: M events/s | speed-up (whole process) |")
        print("|" + "---:|" * 13)
        for n in nets:
            if "events" not in n:
                print(f"| {n['devices']:,} | failed: {n.get('error', '')} |")
                continue
            ref = n.get("without_shortcuts")
            sg = n.get("simgrid_transfers", n["transfers"])
            print(f"| {n['devices']:,} | {n['simulated_s']:,.0f} s | {n['events']:,} | {n['transfers']:,} "
                  f"| {sg:,} ({100 * sg / n['transfers']:.0f} %) "
                  f"| {n['events_per_s'] / 1e6:.3f} | {n['build_s']:.3f} s | {n['median_run_s']:.3f} s "
                  f"| {100 * n['simgrid_share']:.0f} % | {n['ns_per_event']:,.0f} | {n['max_rss_kib'] / 1024:.1f} MiB "
                  + (f"| {ref['events_per_s'] / 1e6:.3f} | {ref['median_total_s'] / n['median_total_s']:.2f}x |" if ref else "| - | - |"))


def annotate(ax, xs, ys, below=False):
    for x, y in zip(xs, ys):
        ax.annotate(f"{y:.0f}", (x, y), textcoords="offset points", xytext=(0, -12 if below else 6), ha="center",
                    fontsize=7)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", nargs="?", help="plantwin_bench --json output (default: stdin)")
    parser.add_argument("-o", "--output", default="scaling.png")
    parser.add_argument("--title", default=None, help="a line under the title (e.g. the date and the load)")
    parser.add_argument("--markdown", action="store_true", help="print the tables instead of plotting")
    a = parser.parse_args()
    doc = json.load(open(a.json) if a.json else sys.stdin)
    if a.markdown:
        markdown(doc)
        return 0

    cpp, py, simpy_label = scaling_series(doc)
    net = network_series(doc)
    if not cpp and not py:
        print("plot_scaling.py: the document has no scaling rows (run with --only scaling,simpy-scaling)",
              file=sys.stderr)
        return 2

    panels = 2 if net else 1
    fig, axes = plt.subplots(1, panels, figsize=(6.4 * panels, 4.8), squeeze=False)
    ax = axes[0][0]
    if cpp:
        xs = [r[0] for r in cpp]
        ax.plot(xs, [r[1] for r in cpp], "o-", color="tab:blue", label="plantwin engine")
        ax.plot(xs, [r[2] for r in cpp], "s-", color="tab:green", label="minimal C++ loop")
        annotate(ax, xs, [r[1] for r in cpp])
        annotate(ax, xs, [r[2] for r in cpp], below=True)
    if py:
        ax.plot([r[0] for r in py], [r[1] for r in py], "^-", color="tab:red", label=simpy_label or "SimPy")
        annotate(ax, [r[0] for r in py], [r[1] for r in py])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("stations (lines of 10, about 4.3e6 events per size)")
    ax.set_ylabel("ns per event (run time / events, median)")
    ax.set_title("Per-event cost against plant size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()

    if net:
        ax = axes[0][1]
        xs, ys = [n[0] for n in net], [n[1] for n in net]
        ax.plot(xs, ys, "D-", color="tab:purple", label="engine + SimGrid, one 5G cell")
        annotate(ax, xs, ys)
        refs = [(n[0], n[2]) for n in net if n[2] is not None]
        if refs:
            ax.plot([r[0] for r in refs], [r[1] for r in refs], "x--", color="tab:gray",
                    label="the same without the shortcuts past SimGrid")
            annotate(ax, [r[0] for r in refs], [r[1] for r in refs])
            ys = ys + [r[1] for r in refs]
        ax.legend(loc="center left")
        ax.set_xscale("log")
        ax.set_xlabel("devices (the same 3e5 messages, 8 % of the uplink, at every size)")
        ax.set_ylabel("ns per event (run time / events, median)")
        ax.set_ylim(0, max(ys) * 1.25)
        ax.set_title("Network: per-event cost against devices")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(loc="lower right")

    machine = doc.get("machine", {})
    sub = f"plantwin_bench {doc.get('plantwin_bench', '')}, {machine.get('cpu', '')}, {machine.get('cores', '')} cores, " \
          f"{doc.get('reps', '')} reps (SimPy: its own reps)" + (", --quick: NOT A MEASUREMENT" if doc.get("quick") else "")
    if a.title:
        sub += "\n" + a.title
    fig.suptitle(sub, fontsize=8)
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print(f"wrote {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
