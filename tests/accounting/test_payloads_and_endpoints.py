import pytest
from django.core.exceptions import ImproperlyConfigured

from accounting.qbo import endpoints, payloads


def test_company_info_reads_name_country_and_currency():
    info = payloads.company_info_from_qbo(
        {"CompanyName": "Compagnie ABC", "Country": "CA", "Id": "1"},
        realm_id="9130357766900456",
        home_currency="cad",
    )
    assert info == payloads.CompanyInfo("9130357766900456", "Compagnie ABC", "CA", "CAD")


def test_company_info_falls_back_on_address_country_in_alpha3():
    info = payloads.company_info_from_qbo(
        {"CompanyName": "Sandbox Company US", "CompanyAddr": {"Country": "USA"}}, realm_id="1"
    )
    assert info == payloads.CompanyInfo("1", "Sandbox Company US", "US", "USD")


def test_tax_code_item_and_account_rows():
    assert payloads.tax_code_from_qbo(
        {"Id": "TAX", "Name": "TAX", "Description": "TAX", "Taxable": True, "TaxGroup": False}
    ) == payloads.TaxCodeRow("TAX", "TAX", "TAX", True, True, False)
    assert payloads.item_from_qbo(
        {"Id": "19", "Name": "Labor", "Type": "Service", "Active": False, "Taxable": "true"}
    ) == payloads.ItemRow("19", "Labor", "Labor", "Service", False, True)
    assert payloads.account_from_qbo(
        {
            "Id": "4",
            "Name": "Fonds non déposés",
            "FullyQualifiedName": "Fonds non déposés",
            "AccountType": "Other Current Asset",
            "AccountSubType": "UndepositedFunds",
        }
    ) == payloads.AccountRow(
        "4",
        "Fonds non déposés",
        "Fonds non déposés",
        "Other Current Asset",
        "UndepositedFunds",
        True,
    )


@pytest.mark.parametrize(
    ("env", "discovery", "api"),
    [
        (
            "emulator",
            "http://qbo-emulator.test/.well-known/openid_configuration/",
            "http://qbo-emulator.test/v3",
        ),
        (
            "sandbox",
            "https://developer.intuit.com/.well-known/openid_sandbox_configuration/",
            "https://sandbox-quickbooks.api.intuit.com/v3",
        ),
        (
            "production",
            "https://developer.intuit.com/.well-known/openid_configuration/",
            "https://quickbooks.api.intuit.com/v3",
        ),
    ],
)
def test_endpoints_come_from_settings_only(settings, env, discovery, api):
    settings.QBO_ENVIRONMENT = env
    assert endpoints.discovery_url() == discovery
    assert endpoints.api_base_url() == api


def test_unknown_environment_is_a_configuration_error(settings):
    settings.QBO_ENVIRONMENT = "staging"
    with pytest.raises(ImproperlyConfigured):
        endpoints.discovery_url()
