"""Vern's Streamlit dashboard: a router and one small page per job. No SQL here."""
