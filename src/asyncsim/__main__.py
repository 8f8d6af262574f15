"""``python -m asyncsim``: the same command as the ``asyncsim`` script."""

from asyncsim.cli import main

main()
