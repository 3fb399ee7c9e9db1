"""Files in and out: CSV and JSON a person wrote, PDF, mail, spreadsheet exports, the inbox."""
