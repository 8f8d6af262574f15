"""From recorded columns to metrics, summaries, comparisons and files."""
