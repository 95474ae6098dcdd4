"""This node's peers on the LAN: found over mDNS, kept alive by a heartbeat (issue 16)."""
