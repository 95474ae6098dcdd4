"""The node's endpoints: its login, its records and documents, its conflicts."""
