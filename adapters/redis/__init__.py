"""Redis: de-duplication, rate buckets and locks shared by every replica; each falls back in-process."""
