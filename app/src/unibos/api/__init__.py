"""The JSON HTTP API: bearer authentication, error bodies, views, the OpenAPI document."""
