"""Makes the double's fixtures available to its own tests.

The rest of the suite gets them from ``pytest_plugins = ["tests.github_double.fixtures"]``
in tests/conftest.py; importing them here too keeps these tests independent of that line.
"""

from .fixtures import github_client, github_double, github_openapi

__all__ = ["github_client", "github_double", "github_openapi"]
