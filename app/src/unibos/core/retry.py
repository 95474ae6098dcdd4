"""The failure a task raises to be tried again.

Below the task packages and dispatch alike: a task raises it (core.drill does), and
`unibos.dispatch.base.UnibosTask` retries it with backoff, so neither imports the other.
"""


class RetryableError(Exception):
    """A failure the next try may not meet (a service briefly away): retried with backoff."""
