"""Runs of a study: the history, liveness of a run, unattended runs and schedules."""
