"""Access to personal data: the people directory, systems, grants and the vendors' access logs."""
