"""pytest fixtures for the CRM doubles (load with ``pytest_plugins``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crm_doubles.base import make_certificate
from tests.crm_doubles.hubspot import TOKEN, HubSpotDouble
from tests.crm_doubles.salesforce import CLIENT_ID, CLIENT_SECRET, SalesforceDouble


@pytest.fixture(scope="session")
def crm_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("crm-tls"))


@pytest.fixture
def salesforce_double(
    crm_certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[SalesforceDouble]:
    """A Salesforce org; the environment holds a connected app's client credentials for it."""
    double = SalesforceDouble(crm_certificate)
    double.start()
    for name in ("SALESFORCE_ACCESS_TOKEN", "SALESFORCE_INSTANCE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SALESFORCE_LOGIN_URL", double.url)
    monkeypatch.setenv("SALESFORCE_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SALESFORCE_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("HANDOFF_CRM_CA_BUNDLE", str(crm_certificate[0]))
    monkeypatch.setenv("HANDOFF_CRM_BACKOFF", "0")
    try:
        yield double
    finally:
        double.stop()


@pytest.fixture
def hubspot_double(crm_certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[HubSpotDouble]:
    """A HubSpot portal; the environment holds a private app's token for it."""
    double = HubSpotDouble(crm_certificate)
    double.start()
    monkeypatch.setenv("HUBSPOT_API_URL", double.url)
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("HANDOFF_CRM_CA_BUNDLE", str(crm_certificate[0]))
    monkeypatch.setenv("HANDOFF_CRM_BACKOFF", "0")
    try:
        yield double
    finally:
        double.stop()
