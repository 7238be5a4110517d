"""Operators' entry points: the command line, building the sample data, starting the server. Never imports ui."""
