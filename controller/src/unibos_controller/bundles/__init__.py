"""Offline install bundles and releases of the app, for `unibos-dev`: the source of one
commit (source), the wheels a host installs (wheels), the bundle archive and its
manifest (archive), and the version bump, changelog and tag of a release (release)."""
