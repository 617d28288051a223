#!/usr/bin/python3
"""M/M/1 in SimPy, for plantwin_bench: the same model as the bench's M/M/1 (rho = 0.8).

Runs with whichever SimPy is importable: SimPy 3/4 (module ``simpy``) or SimPy 2 (module
``SimPy``, the one Debian 12 ships as python3-simpy 2.3.1). Counts arrivals + departures as events,
as the C++ side does, and prints one line of ``key=value`` words on stdout:

    api=SimPy2 version=2.3.1 customers=N events=2N seconds=S mean_sojourn_s=X

Exits with status 3 and prints ``skipped=<reason>`` when no SimPy is importable.
"""

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simpy_api  # noqa: E402  (beside this script)


def run_simpy_modern(simpy, customers, lam, mu, seed):
    """SimPy 3/4: generator processes on an Environment."""
    rng = random.Random(seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    sojourn = [0.0, 0]

    def customer():
        arrived = env.now
        with server.request() as req:
            yield req
            yield env.timeout(rng.expovariate(mu))
        sojourn[0] += env.now - arrived
        sojourn[1] += 1

    def source():
        for _ in range(customers):
            yield env.timeout(rng.expovariate(lam))
            env.process(customer())

    env.process(source())
    env.run()
    return sojourn


def run_simpy2(simulation_module, customers, lam, mu, seed):
    """SimPy 2: Process subclasses with ``yield hold/request/release`` on a Simulation object."""
    sim_mod = simulation_module
    rng = random.Random(seed)
    sim = sim_mod.Simulation()
    server = sim_mod.Resource(capacity=1, sim=sim)
    sojourn = [0.0, 0]

    class Customer(sim_mod.Process):
        def visit(self):
            arrived = self.sim.now()
            yield sim_mod.request, self, server
            yield sim_mod.hold, self, rng.expovariate(mu)
            yield sim_mod.release, self, server
            sojourn[0] += self.sim.now() - arrived
            sojourn[1] += 1

    class Source(sim_mod.Process):
        def generate(self):
            for _ in range(customers):
                yield sim_mod.hold, self, rng.expovariate(lam)
                c = Customer(sim=self.sim)
                self.sim.activate(c, c.visit())

    source = Source(sim=sim)
    sim.activate(source, source.generate())
    sim.simulate(until=float("inf"))
    return sojourn


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lam", type=float, default=0.8, help="arrival rate, per second")
    parser.add_argument("--mu", type=float, default=1.0, help="service rate, per second")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    api, version, module, modern = simpy_api.load_or_skip()
    run = run_simpy_modern if modern else run_simpy2
    runner = lambda: run(module, args.customers, args.lam, args.mu, args.seed)

    start = time.perf_counter()
    total_sojourn, done = runner()
    seconds = time.perf_counter() - start
    mean = total_sojourn / done if done else float("nan")
    print(f"api={api} version={version} customers={done} events={2 * done} "
          f"seconds={seconds:.6f} mean_sojourn_s={mean:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
