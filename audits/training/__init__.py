"""Privacy training: completions from an LMS export or a learning record store."""
