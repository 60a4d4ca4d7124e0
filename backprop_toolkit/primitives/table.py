"""The table itself: every built-in primitive by name, filled by :func:`register`."""

TABLE = {}
"""Every built-in primitive by name (``"mul"``, ``"sum"``). The generic checker
(``tests/test_primitives.py``) tests each entry on both engines."""


def register(prim):
    """Add a built-in primitive to :data:`TABLE` and return it."""
    if prim.name in TABLE:
        raise ValueError(f"primitive {prim.name!r} is already in the table")
    TABLE[prim.name] = prim
    return prim
