"""How a run is shown: the terminal summary, the self-contained HTML report with its
charts and sections, PNG export, and the value formatting all of them share."""
