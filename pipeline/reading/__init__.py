"""Reading: a file (PDF, text export) into pages and lines with offsets, cleaned of conversion noise."""
