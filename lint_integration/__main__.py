"""Allow ``python -m lint_integration``."""

from lint_integration.fast import main

if __name__ == "__main__":
    main()
