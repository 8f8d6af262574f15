"""Two runs, or two strategies of one run, metric by metric: paired differences with
intervals and Holm-adjusted verdicts, in the terminal and as a page."""
