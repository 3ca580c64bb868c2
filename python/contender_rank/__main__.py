import sys

from contender_rank.cli import main

sys.exit(main())
