"""contender_rank: which miners a validator's query node tries first, ranked in PostgreSQL."""

from contender_rank.api import (
    SETTINGS,
    close_period,
    close_period_async,
    delete_similarity,
    delete_similarity_async,
    get_config,
    get_config_async,
    list_similarities,
    list_similarities_async,
    rank_contenders,
    rank_contenders_async,
    set_similarity,
    set_similarity_async,
    update_config,
    update_config_async,
)
from contender_rank.errors import (
    ConfigRowError,
    ContenderRankError,
    InvalidValueError,
    SchemaMissingError,
    UnknownSettingError,
)
from contender_rank.models import RankedContender, RankingConfig, Similarity

__version__ = "0.2.0"

__all__ = [
    "SETTINGS",
    "ConfigRowError",
    "ContenderRankError",
    "InvalidValueError",
    "RankedContender",
    "RankingConfig",
    "SchemaMissingError",
    "Similarity",
    "UnknownSettingError",
    "close_period",
    "close_period_async",
    "delete_similarity",
    "delete_similarity_async",
    "get_config",
    "get_config_async",
    "list_similarities",
    "list_similarities_async",
    "rank_contenders",
    "rank_contenders_async",
    "set_similarity",
    "set_similarity_async",
    "update_config",
    "update_config_async",
]
