"""Alembic environment: runs on the engine handed over in config.attributes."""

from __future__ import annotations

from alembic import context

from corroborate.db import Base, import_all_models

import_all_models()
target_metadata = Base.metadata
engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()
