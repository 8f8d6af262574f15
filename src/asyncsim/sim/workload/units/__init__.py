"""Units of work: what one user does at a time (a request, a page view, a navigation, a
feed session, a live view)."""
