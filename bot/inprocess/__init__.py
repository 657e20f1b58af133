"""In-process equivalents of the Redis services, for a single server with no MEMS_REDIS_URL."""
