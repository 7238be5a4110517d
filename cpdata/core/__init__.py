"""The lowest layer: configuration, periods, symbols, number formatting, the tidy schema and
whole-file writes. Imports nothing else of cpdata."""
