"""contender_rank's lab: the demo, the simulator, the benchmarks, nineteen's replay and the throwaway
PostgreSQL they run on. None of it ships in the product (``contender_rank``); it imports the product,
never the other way round (python/tests/test_imports.py)."""
