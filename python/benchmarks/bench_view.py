"""Measures the replay page on a large event log, for docs/performance.md ("The replay").

    PYTHONPATH=python /usr/bin/python3 python/benchmarks/bench_view.py [--plant jobshop|grid] [--hours H] [--seconds 5]

Writes an event log of about 1,000,000 rows with `plantwin run --events`: `jobshop` is the AGV
job shop (scenarios/examples/agv_fleet_sizing.yaml) with 8 AGVs over 328 h; `grid` is the plant of
the engine's `transport` benchmark (bench/bench_transport.cpp: 200 AGVs on a 25 x 20 grid of
nodes 10 m apart, 50 stations of 4 servers, 10 products of 5 steps, 4 of them by AGV) over 6.2 h.
It times `python3 -m plantwin view` on it, then opens the page in
headless Chromium (Debian's, through Selenium) and reports: the page's load (navigation start to
the end of the load event, and the viewer's own start-up: parsing its data, decoding the tracks,
drawing the plant), the frame rate while playing at 1,000x and 10,000x for --seconds each (frames
counted by requestAnimationFrame, and the time the page spent rendering an instant), and the time
of a seek (100 instants at random, each found and drawn).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = "scenarios/examples/agv_fleet_sizing.yaml"


def grid_yaml(grid_x: int = 25, grid_y: int = 20, spacing: int = 10, stations: int = 50, products: int = 10,
              steps: int = 5, vehicles: int = 200, interarrival_s: float = 5.1) -> str:
    """The scenario of bench/bench_transport.cpp's `transport` measurement, written the same way."""
    node = lambda x, y: f"n{x}_{y}"  # noqa: E731
    nodes = grid_x * grid_y
    lines = ["plantwin: 1", "name: agv-grid", "horizon: 6h", "products:"]
    for p in range(products):
        route = [f"s{(p * steps) % stations}"] + [f"{{station: s{(p * steps + j) % stations}, via: agv}}" for j in range(1, steps)]
        lines += [f"  - id: p{p}", f"    route: [{', '.join(route)}]"]
    lines.append("sources:")
    lines += [f"  - {{id: src{p}, product: p{p}, interarrival: {{dist: exponential, mean: {interarrival_s * products}s}}}}"
              for p in range(products)]
    lines.append("stations:")
    lines += [f"  - {{id: s{s}, servers: 4, process: {{dist: lognormal, mean: 60s, cv: 0.3}}}}" for s in range(stations)]
    lines += ["layout:", "  nodes:"]
    lines += [f"    - {{id: {node(x, y)}, x: {x * spacing}, y: {y * spacing}}}" for x in range(grid_x) for y in range(grid_y)]
    lines.append("  segments:")
    for x in range(grid_x):
        for y in range(grid_y):
            if x + 1 < grid_x:
                lines.append(f"    - {{from: {node(x, y)}, to: {node(x + 1, y)}}}")
            if y + 1 < grid_y:
                lines.append(f"    - {{from: {node(x, y)}, to: {node(x, y + 1)}}}")
    lines.append("  places:")
    for s in range(stations):
        n = (s * 97 + 13) % nodes
        lines.append(f"    s{s}: {node(n // grid_y, n % grid_y)}")
    lines += ["fleets:", f"  - {{id: agv, vehicles: {vehicles}, speed: 1.0, load: 10s, unload: 10s, "
                         f"home: {node(grid_x // 2, grid_y // 2)}, dispatch: nearest_idle, return_home: false}}"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plant", choices=("jobshop", "grid"), default="jobshop")
    parser.add_argument("--hours", type=float, help="horizon of the run (default: ~1,000,000 events)")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of playing per speed")
    parser.add_argument("--cli", default=str(ROOT / "build" / "release" / "engine" / "plantwin"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="plantwin-bench-view-"))
    if args.plant == "jobshop":
        scenario = SCENARIO
        sets = ["--set", "fleets.agv.vehicles=8", "--set", f"horizon={args.hours or 328:g}h"]
    else:
        scenario = str(work / "agv_grid.yaml")
        Path(scenario).write_text(grid_yaml())
        sets = ["--set", f"horizon={args.hours or 6.2:g}h"]
    log = work / "log.csv"
    subprocess.run([args.cli, "run", scenario, "--replications", "1", "--events", str(log), *sets], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    rows = sum(1 for _ in open(log)) - 1
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "plantwin", "view", str(log), "--scenario", scenario, "--out", str(work / "view"),
                    *sets], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    generate_s = time.perf_counter() - started
    page = work / "view" / "index.html"
    out = {"plant": args.plant, "events": rows, "log_mb": log.stat().st_size / 1e6, "page_mb": page.stat().st_size / 1e6,
           "view_command_s": round(generate_s, 2)}

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,800", f"--user-data-dir={work / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        loads = []
        for _ in range(3):
            driver.get("about:blank")
            driver.get(page.as_uri())
            while not driver.execute_script("return window.plantwinView && window.plantwinView.ready"):
                time.sleep(0.01)
            loads.append(driver.execute_script("""
              const n = performance.getEntriesByType('navigation')[0];
              return [n.loadEventEnd || performance.now(), window.plantwinView.loadMs];"""))
        loads.sort()
        out["load_ms"] = round(loads[1][0])
        out["viewer_startup_ms"] = round(loads[1][1])
        out["heap_mb"] = round(driver.execute_script("return performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null") or 0)
        driver.execute_script("plantwinView.seek(7200); plantwinView.setSpeed(1000); plantwinView.play()")
        time.sleep(1.0)  # warm-up: the script compiled, the caches filled
        end = driver.execute_script("return plantwinView.data.end_s")
        for speed in (1000, 10000):
            seconds = min(args.seconds, 0.9 * end / speed)  # the clock must not reach the end
            driver.execute_script(f"plantwinView.seek(0); plantwinView.setSpeed({speed}); "
                                  "plantwinView.stats.frames = 0; plantwinView.stats.renders = 0; "
                                  "plantwinView.stats.renderMs = 0; plantwinView.play();")
            time.sleep(seconds)
            stats = driver.execute_script("plantwinView.pause(); return [plantwinView.stats, plantwinView.time];")
            frames = stats[0]["frames"]
            out[f"fps_{speed}x"] = round(frames / seconds, 1)
            out[f"played_s_{speed}x"] = round(seconds, 2)
            out[f"render_ms_{speed}x"] = round(stats[0]["renderMs"] / max(1, stats[0]["renders"]), 3)
        out["seek_ms"] = round(driver.execute_script("""
          const end = plantwinView.data.end_s, t0 = performance.now();
          let x = 12345;
          for (let i = 0; i < 100; i++) { x = (x * 16807) % 2147483647; plantwinView.seek(end * x / 2147483647); }
          return (performance.now() - t0) / 100;"""), 3)
        driver.execute_script("plantwinView.seek(plantwinView.data.end_s / 2)")
        driver.save_screenshot(str(work / "replay.png"))
        out["screenshot"] = str(work / "replay.png")
    finally:
        driver.quit()
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
