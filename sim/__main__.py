"""`python -m sim` is the `wijkteam` command."""

import sys

from sim.cli import main

sys.exit(main())
