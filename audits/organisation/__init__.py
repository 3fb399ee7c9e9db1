"""The organisation: its profile, named in every document that leaves Vern."""
