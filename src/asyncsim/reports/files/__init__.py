"""The files a run leaves: summary.json, raw data, and the atomic writer they all use."""
