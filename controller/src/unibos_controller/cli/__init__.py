"""The operator CLIs of the controller: one package per CLI, one module per subcommand."""
