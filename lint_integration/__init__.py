"""lint-integration: enforce the INTEGRATION_MODE dual-mode contract on integration suites."""

__version__ = "0.1.0"
