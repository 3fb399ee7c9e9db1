"""The check framework: what a check is, how checks are found, run and their findings kept."""
