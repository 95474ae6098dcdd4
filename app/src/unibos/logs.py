"""Log levels that UNIBOS_LOG_LEVEL and `unibos-worker start --loglevel` accept.

Apart from the settings package, so the CLI can show its options before any setting is read.
"""

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
