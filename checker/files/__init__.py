"""Files: the strict YAML loader, the node reader, the one atomic writer, finding case files."""
