"""One module per policy. A layer wraps the call below it and is itself a call."""
