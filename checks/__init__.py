"""Vern's built-in checks, registered under the entry-point group `vern.checks`."""
