"""The client's keep-alive session reads the environment once, not on every call."""

import threading

from accounting.qbo import client


def _fresh_session():
    sessions = []
    thread = threading.Thread(target=lambda: sessions.append(client._session()))
    thread.start()
    thread.join()
    return sessions[0]


def test_proxies_and_ca_bundle_come_from_the_environment_once(monkeypatch, settings):
    settings.QBO_ENVIRONMENT = "production"  # https://quickbooks.api.intuit.com
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/company-ca.pem")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = _fresh_session()
    assert session.trust_env is False  # requests won't look again (nor at ~/.netrc)
    assert session.proxies == {"https": "http://proxy.example:3128"}
    assert session.verify == "/etc/ssl/certs/company-ca.pem"


def test_no_proxy_for_the_api_host_is_honoured(monkeypatch, settings):
    settings.QBO_ENVIRONMENT = "production"  # https://quickbooks.api.intuit.com
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "intuit.com")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    session = _fresh_session()
    assert session.proxies == {}
    assert session.verify is True
