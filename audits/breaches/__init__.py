"""The breach register (GDPR Art. 33-34): log, assess, decide, notify, its documents and reminders."""
