"""Who may sign in and what they may open: users, passwords, page roles."""
