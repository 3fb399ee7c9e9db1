"""The record of processing activities (Art. 30) and its risk assessment."""
