"""Users, organizations and who may touch which organization's rows (docs/architecture.md)."""
