"""The node's side of identity: enrolment, the hub client, offline token verification."""
