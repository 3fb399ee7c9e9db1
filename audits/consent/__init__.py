"""Consents, opt-outs and campaign sends (Art. 6(1)(a), 7, 21)."""
