"""Preferences: the sections a real company has, each with its own fields (reference §3.8;
python-quickbooks' ``objects/preferences.py`` models the same ten)."""

from __future__ import annotations

from .types import EMAIL, NAME_VALUE, REF, TYPES, fields_of

# Preferences: the sections a real company has, each with its own fields.
PREFERENCE_SECTIONS: dict[str, dict] = {
    "AccountingInfoPrefs": fields_of(
        "UseAccountNumbers",
        "TrackDepartments",
        "DepartmentTerminology",
        "ClassTrackingPerTxn",
        "ClassTrackingPerTxnLine",
        "CustomerTerminology",
        "BookCloseDate",
        "FirstMonthOfFiscalYear",
        "TaxYearMonth",
        "TaxForm",
    ),
    "ProductAndServicesPrefs": fields_of(
        "ForSales",
        "ForPurchase",
        "InventoryAndPurchaseOrder",
        "QuantityWithPriceAndRate",
        "QuantityOnHand",
        "RevenueRecognition",
        "RevenueRecognitionFrequency",
        "UOM",
    ),
    "SalesFormsPrefs": fields_of(
        "CustomField",
        "CustomTxnNumbers",
        "AllowDeposit",
        "AllowDiscount",
        "AllowEstimates",
        "AllowServiceDate",
        "AllowShipping",
        "AutoApplyCredit",
        "AutoApplyPayments",
        "DefaultCustomerMessage",
        "EstimateMessage",
        "ETransactionEnabledStatus",
        "ETransactionAttachPDF",
        "ETransactionPaymentEnabled",
        "IPNSupportEnabled",
        "EmailCopyToCompany",
        "PrintItemWithZeroAmount",
        "UsingPriceLevels",
        "UsingProgressInvoicing",
        DefaultTerms=REF,
        DefaultDiscountAccount=None,
        DefaultShippingAccount=None,
        SalesEmailBcc=EMAIL,
        SalesEmailCc=EMAIL,
    ),
    "EmailMessagesPrefs": fields_of(
        InvoiceMessage="EmailMessageType",
        EstimateMessage="EmailMessageType",
        SalesReceiptMessage="EmailMessageType",
        StatementMessage="EmailMessageType",
    ),
    "VendorAndPurchasesPrefs": fields_of(
        "TrackingByCustomer",
        "BillableExpenseTracking",
        "TPAREnabled",
        "POCustomField",
        DefaultTerms=REF,
        DefaultMarkup=None,
        DefaultMarkupAccount=REF,
    ),
    "TimeTrackingPrefs": fields_of(
        "UseServices",
        "DefaultTimeItem",
        "BillCustomers",
        "ShowBillRateToAll",
        "WorkWeekStartDate",
        "TimeTrackingEnabled",
        "MarkTimeEntriesBillable",
    ),
    "TaxPrefs": fields_of(
        "UsingSalesTax",
        "AnyIntuitTaxEnabled",
        "PartnerTaxEnabled",
        "TaxAgencyRef",
        "AllowExemptionCertificate",
        "TaxGroupCodeRef",
    ),
    "CurrencyPrefs": fields_of("MultiCurrencyEnabled", HomeCurrency=REF),
    "ReportPrefs": fields_of("ReportBasis", "CalcAgingReportFromTxnDate"),
    "OtherPrefs": fields_of(NameValue=[NAME_VALUE]),
}
TYPES.update(PREFERENCE_SECTIONS)
TYPES["SalesFormsPrefs"]["CustomField"] = ["PreferencesCustomFieldGroup"]
