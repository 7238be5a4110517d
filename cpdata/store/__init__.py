"""The data folder: manifest, parquet extracts, DuckDB and the SQL. Imports core and catalogue."""
