"""Storage: SQLModel tables, mappers, repositories, the unit of work, the outbox store and migrations."""
