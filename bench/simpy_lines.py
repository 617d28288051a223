#!/usr/bin/python3
"""Serial lines in SimPy, for plantwin_bench's scaling study: the bench's LineModel.

``--lines`` identical lines of ``--stations-per-line`` single-server stations with input buffers
of ``--buffer`` places, exponential process times (mean 1 s), blocking after service, failures on
every station (exponential MTBF 60 s and MTTR 3 s, operating basis: the time to failure runs only
while working, and a repaired server resumes its part) and a saturated source in front of each
line's first station, run to ``--horizon`` simulated seconds.

A station is one process: it takes a part from its input buffer (a Store of ``--buffer`` places;
the first station of a line makes a new part instead), works on it, and puts it into the next
station's buffer, waiting while that is full (blocking after service). A failure splits the work:
the process holds for the time to failure, then for the repair, then for the rest of the work.

Events are counted as the bench's minimal C++ loop counts them: the end of a piece of work, a
failure, a repair (SimPy schedules more internally: the buffers' puts and gets). The random
numbers are Python's, not the engine's streams, so the trajectory is not the C++ one: the bench
compares completed parts and mean lead time with its loop within a statistical tolerance.

Runs with whichever SimPy is importable: SimPy 3/4 (module ``simpy``) or SimPy 2 (module
``SimPy``, the one Debian 12 ships as python3-simpy 2.3.1). Prints one line of ``key=value`` words:

    api=SimPy2 version=2.3.1 stations=N events=E completed=C mean_lead_s=X build_s=B seconds=S

(``seconds`` is the run alone, ``build_s`` making the stations.) Exits with status 3 and prints
``skipped=<reason>`` when no SimPy is importable.
"""

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simpy_api  # noqa: E402  (beside this script)


class Counter:
    def __init__(self):
        self.events = 0
        self.completed = 0
        self.lead_sum = 0.0


def build_modern(simpy, a, rng, count):
    """SimPy 3/4: one generator process per station, Stores as buffers."""
    env = simpy.Environment()
    expo = rng.expovariate
    lam_p, lam_f, lam_r = 1.0 / a.process_mean, 1.0 / a.mtbf, 1.0 / a.mttr

    def station(inbox, outbox):
        ttf = expo(lam_f)
        while True:
            if inbox is None:
                created = env.now  # the saturated source: a new part whenever the server is free
            else:
                created = yield inbox.get()
            work = expo(lam_p)
            while ttf <= work:
                yield env.timeout(ttf)  # the failure
                count.events += 1
                work -= ttf
                yield env.timeout(expo(lam_r))  # the repair
                count.events += 1
                ttf = expo(lam_f)
            yield env.timeout(work)  # the end of work
            count.events += 1
            ttf -= work
            if outbox is None:
                count.completed += 1
                count.lead_sum += env.now - created
            else:
                yield outbox.put(created)  # blocks while the next buffer is full

    for _ in range(a.lines):
        boxes = [None] + [simpy.Store(env, capacity=a.buffer) for _ in range(a.stations_per_line - 1)] + [None]
        for k in range(a.stations_per_line):
            env.process(station(boxes[k], boxes[k + 1]))
    return lambda: env.run(until=a.horizon)


def build_simpy2(sim_mod, a, rng, count):
    """SimPy 2: a Process subclass per station, Stores as buffers, on a Simulation object."""
    sim = sim_mod.Simulation()
    expo = rng.expovariate
    lam_p, lam_f, lam_r = 1.0 / a.process_mean, 1.0 / a.mtbf, 1.0 / a.mttr
    hold, get, put = sim_mod.hold, sim_mod.get, sim_mod.put

    class Station(sim_mod.Process):
        def work(self, inbox, outbox):
            ttf = expo(lam_f)
            while True:
                if inbox is None:
                    created = sim.now()
                else:
                    yield get, self, inbox, 1
                    created = self.got[0]
                w = expo(lam_p)
                while ttf <= w:
                    yield hold, self, ttf
                    count.events += 1
                    w -= ttf
                    yield hold, self, expo(lam_r)
                    count.events += 1
                    ttf = expo(lam_f)
                yield hold, self, w
                count.events += 1
                ttf -= w
                if outbox is None:
                    count.completed += 1
                    count.lead_sum += sim.now() - created
                else:
                    yield put, self, outbox, [created]

    for _ in range(a.lines):
        boxes = [None] + [sim_mod.Store(capacity=a.buffer, sim=sim) for _ in range(a.stations_per_line - 1)] + [None]
        for k in range(a.stations_per_line):
            s = Station(sim=sim)
            sim.activate(s, s.work(boxes[k], boxes[k + 1]))
    return lambda: sim.simulate(until=a.horizon)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1)
    parser.add_argument("--stations-per-line", type=int, default=10)
    parser.add_argument("--buffer", type=int, default=5)
    parser.add_argument("--process-mean", type=float, default=1.0)
    parser.add_argument("--mtbf", type=float, default=60.0)
    parser.add_argument("--mttr", type=float, default=3.0)
    parser.add_argument("--horizon", type=float, default=5.0e5)
    parser.add_argument("--seed", type=int, default=42)
    a = parser.parse_args()

    api, version, module, modern = simpy_api.load_or_skip()
    build = build_modern if modern else build_simpy2
    builder = lambda rng, count: build(module, a, rng, count)

    count = Counter()
    start = time.perf_counter()
    run = builder(random.Random(a.seed), count)
    built = time.perf_counter()
    run()
    seconds = time.perf_counter() - built
    mean = count.lead_sum / count.completed if count.completed else float("nan")
    print(f"api={api} version={version} stations={a.lines * a.stations_per_line} events={count.events} "
          f"completed={count.completed} mean_lead_s={mean:.6f} build_s={built - start:.6f} seconds={seconds:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
