"""Alerts: the advisers told at once, by mail and the association's chat channels."""
