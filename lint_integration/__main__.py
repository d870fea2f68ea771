"""Allow ``python -m lint_integration``."""

import os
import sys

# ``python -m`` puts the working directory first on sys.path, so a scanned repository's own
# ``click.py`` or ``yaml.py`` would be imported, and run, in place of the real module. The tool
# never runs the code it scans: its imports never look there.
if not sys.flags.safe_path and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from lint_integration.fast import main

if __name__ == "__main__":
    main()
