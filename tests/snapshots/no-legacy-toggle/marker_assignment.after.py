"""Markers shared by the orders integration suite."""

from integration_mode import cluster_only

live_only = cluster_only
