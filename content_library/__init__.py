"""HQ material: storage, catalogue, copy templates, WeCom media and selection for customers (no Flask)."""
