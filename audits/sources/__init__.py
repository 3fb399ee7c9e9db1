"""Evidence Vern collects itself: one connector per kind of source, pulled on a schedule."""
