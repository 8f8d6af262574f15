"""What a run must hold and what it got.

Thresholds and baseline rules are judged into one verdict; the verdict is written for CI
(terminal block, JUnit XML, Markdown) and also stops a run early (``abort_on_fail``).
"""
