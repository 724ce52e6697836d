"""WeCom event handlers, routed through a registry keyed on (event, change type)."""
