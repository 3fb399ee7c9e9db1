"""The `vern` command line: the root group and one module per command group."""
