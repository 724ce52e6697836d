"""The core of 导购助手: app factory, runtime, WeCom client, services and flows."""
