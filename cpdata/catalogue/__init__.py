"""Indicators, frameworks and aliases (data files beside the code). Imports only core."""
