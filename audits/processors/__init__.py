"""Processors and transfers outside the EEA (Art. 28, 44-49)."""
