"""Charts beyond reports/render's own modules (that folder is at its file budget)."""
