"""The fault scenarios, one module each; bench/chaos/registry.py lists them in the order they run."""
