"""Migration scripts, one per schema change (a package so that installs always carry them)."""
