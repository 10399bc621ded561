"""Offline quality work: datasets, metrics, training, sweeps, reports and plots of the quality
model.
"""
