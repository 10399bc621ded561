"""Offline only: workloads, replay, bench, training, sweeps, metrics, drift, plots. The runtime
never imports it.
"""
