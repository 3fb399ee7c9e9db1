"""The demo association: its data, dated relative to the clock, loaded through the real imports."""
