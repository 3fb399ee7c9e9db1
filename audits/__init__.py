"""Vern's core: the compliance record and the rules that judge it."""
