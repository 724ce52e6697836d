"""Thin inbound adapters: the WeCom callback, event handlers, web blueprints and the JSON API."""
