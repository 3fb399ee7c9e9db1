"""Data-subject requests (GDPR Art. 12-22): the register and its reminders."""
