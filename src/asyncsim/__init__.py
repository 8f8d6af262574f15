"""asyncsim: a discrete-event simulator of async data-fetching and resilience patterns."""

__version__ = "0.1.0"
