"""One module per command: each exposes a core function that takes data (and `now`) and returns data."""
