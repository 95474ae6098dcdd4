"""The hub's endpoints: identity, tenancy, enrolment, sync and task distribution."""
