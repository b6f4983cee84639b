"""Alembic migrations. ``HEAD`` names the newest revision so start-up can compare without Alembic.

Add a revision: ``alembic`` via ``models.core.schema.alembic_config``, then update ``HEAD``
(``tests/models/test_schema.py`` fails until the two agree).
"""

HEAD = "0018"
