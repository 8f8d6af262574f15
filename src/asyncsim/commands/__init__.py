"""What each ``asyncsim`` command does, without the terminal: one module per command.

cli.py parses arguments, calls one of these, prints and picks the exit code; the modules
here glue the scenario language, the runner and the reports, so they can be called from
Python and tests too.
"""
