"""Flows: orchestrate services with outbound WeCom calls. Each takes a session and a client."""
