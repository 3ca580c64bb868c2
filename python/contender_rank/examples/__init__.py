"""Runnable examples of using contender_rank from a validator's code."""
