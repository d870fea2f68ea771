"""Allow ``python -m lint_integration``."""

from lint_integration.cli import main

if __name__ == "__main__":
    main()
