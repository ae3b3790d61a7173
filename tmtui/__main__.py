"""`python -m tmtui` runs the same command line as the `tmtui` script."""

import sys

from tmtui.cli import main

sys.exit(main())
