"""Deletion when the purpose ends (Art. 5(1)(e), 17)."""
