"""The event log from Python: run(..., events=True) and plantwin.eventlog.read_events."""

import plantwin
from plantwin.eventlog import COLUMNS, read_events


def test_a_run_keeps_replication_zeros_event_log_as_a_dataframe(in_root, tmp_path, cli):
    import subprocess

    result = plantwin.run("scenarios/examples/two_stations.yaml", replications=2, events=True)
    log = result.events
    assert list(log.columns[:7]) == list(COLUMNS)
    assert log["time"].is_monotonic_increasing
    exits = log[log["event"] == "exit"]
    releases = log[log["event"] == "release"]
    assert exits["part"].isin(releases["part"]).all()
    # The same log as the command line writes for the same scenario and seed.
    path = tmp_path / "log.csv"
    subprocess.run([str(cli), "run", "scenarios/examples/two_stations.yaml", "--events", str(path)], check=True,
                   stdout=subprocess.DEVNULL)
    assert read_events(path).equals(log)


def test_without_events_there_is_no_log(in_root):
    assert plantwin.run("scenarios/examples/two_stations.yaml", replications=1).events is None


def test_a_log_with_iso_times_reads_as_timestamps_in_the_plants_offset(in_root):
    log = read_events("scenarios/twin/smt_line_shift.csv")
    assert str(log["time"].dt.tz) in ("pytz.FixedOffset(480)", "UTC+08:00")
    assert log["time"].iloc[0].isoformat() == "2026-03-02T06:00:00+08:00"
    assert log["time"].is_monotonic_increasing
