"""The fleet as the controller sees it: the inventory, playbook and ad-hoc runs through
ansible-runner's Python API, and what the CLIs make of their events."""
