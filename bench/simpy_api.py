"""Which SimPy the bench's SimPy scripts (simpy_mm1.py, simpy_lines.py) run on."""

import sys

SKIPPED = "skipped=neither_'simpy'_(SimPy_3/4)_nor_'SimPy'_(SimPy_2,_Debian_python3-simpy)_is_importable"


def load():
    """(api, version, module, modern) of the importable SimPy, or None.

    SimPy 3/4 first (module ``simpy``: modern is True, module is ``simpy``), then SimPy 2 (module
    ``SimPy``, Debian 12's python3-simpy 2.3.1: modern is False, module is ``SimPy.Simulation``).
    """
    try:
        import simpy

        return "SimPy" + simpy.__version__.split(".")[0], simpy.__version__, simpy, True
    except ImportError:
        pass
    try:
        import SimPy
        from SimPy import Simulation
    except ImportError:
        return None
    return "SimPy2", SimPy.__version__, Simulation, False


def load_or_skip():
    """load(), or print SKIPPED and exit with status 3 (what plantwin_bench reads as skipped)."""
    loaded = load()
    if loaded is None:
        print(SKIPPED)
        sys.exit(3)
    return loaded
