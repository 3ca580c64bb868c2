"""contender_rank: which miners a validator's query node tries first, ranked in PostgreSQL."""

__version__ = "0.1.0"
