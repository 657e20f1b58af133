"""The MEMS test suite."""
