"""Reading and writing files: the data directory, value cells, atomic output."""
