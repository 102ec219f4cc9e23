import sys

from vstui.cli import main

sys.exit(main())
