"""The offline demo: `make run` starts everything against the WeCom sandbox."""
