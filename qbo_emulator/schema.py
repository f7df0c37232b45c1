"""The properties each entity and nested type has, as QuickBooks' deserialiser knows them.

QBO reads a request body with Jackson bound to its v3 schema (``Finance.xsd``,
``IntuitRestServiceDef.xsd``): a property the type does not declare is refused with Fault 2010
and a Jackson "Unrecognized field" text, and nothing is written (reference §8.3). The tables
below follow the XSD's types (an entity inherits ``IntuitEntity``, a transaction
``Transaction``, a sales document ``SalesTransaction``) and were checked against
python-quickbooks' object models, so whatever that library serialises is known here.

A field's spec is ``None`` (a scalar, or a value whose inside is not checked), a type name (an
object of that type) or a one-element list (an array of that type)."""

from __future__ import annotations

from .errors import ApiFault

REF = "ReferenceType"
ADDR = "PhysicalAddress"
EMAIL = "EmailAddress"
PHONE = "TelephoneNumber"
WEB = "WebSiteAddress"
MEMO = "MemoRef"
META = "ModificationMetaData"
LINE = "Line"
LINKED = "LinkedTxn"
CUSTOM = "CustomField"
TAX_DETAIL = "TxnTaxDetail"
NAME_VALUE = "NameValue"


def _fields(*names: str, **typed) -> dict:
    spec = dict.fromkeys(names)
    spec.update(typed)
    return spec


TYPES: dict[str, dict] = {
    REF: _fields("value", "name", "type"),
    ADDR: _fields(
        "Id",
        "Line1",
        "Line2",
        "Line3",
        "Line4",
        "Line5",
        "City",
        "Country",
        "CountryCode",
        "County",
        "CountrySubDivisionCode",
        "PostalCode",
        "PostalCodeSuffix",
        "Lat",
        "Long",
        "Tag",
        "Note",
    ),
    EMAIL: _fields("Id", "Address", "Default", "Tag"),
    PHONE: _fields(
        "Id",
        "DeviceType",
        "CountryCode",
        "AreaCode",
        "ExchangeCode",
        "Extension",
        "FreeFormNumber",
        "Default",
        "Tag",
    ),
    WEB: _fields("Id", "URI", "Default", "Tag"),
    MEMO: _fields("value", "id"),
    META: _fields(
        "CreatedByRef",
        "CreateTime",
        "LastModifiedByRef",
        "LastUpdatedTime",
        "LastChangedInQB",
        "Synchronized",
    ),
    LINKED: _fields("TxnId", "TxnType", "TxnLineId"),
    CUSTOM: _fields(
        "DefinitionId", "Name", "Type", "StringValue", "BooleanValue", "DateValue", "NumberValue"
    ),
    NAME_VALUE: _fields("Name", "Value"),
    "MarkupInfo": _fields(
        "PercentBased", "Value", "Percent", "PriceLevelRef", MarkUpIncomeAccountRef=REF
    ),
    "SalesItemLineDetail": _fields(
        "ServiceDate",
        "UnitPrice",
        "RatePercent",
        "Qty",
        "TaxInclusiveAmt",
        "DiscountRate",
        "DiscountAmt",
        "SalesItemLineDetailEx",
        ItemRef=REF,
        ClassRef=REF,
        PriceLevelRef=REF,
        MarkupInfo="MarkupInfo",
        UOMRef=REF,
        ItemAccountRef=REF,
        InventorySiteRef=REF,
        TaxCodeRef=REF,
        TaxClassificationRef=REF,
    ),
    "DiscountOverride": _fields(
        "PercentBased", "DiscountPercent", DiscountRef=REF, DiscountAccountRef=REF
    ),
    "DiscountLineDetail": _fields(
        "PercentBased",
        "DiscountPercent",
        "ServiceDate",
        Discount="DiscountOverride",
        ClassRef=REF,
        TaxCodeRef=REF,
        DiscountRef=REF,
        DiscountAccountRef=REF,
    ),
    "DescriptionLineDetail": _fields("ServiceDate", TaxCodeRef=REF),
    "SubTotalLineDetail": _fields("ServiceDate", ItemRef=REF),
    "GroupLineDetail": _fields("Quantity", GroupItemRef=REF, Line=[LINE]),
    "TaxLineDetail": _fields(
        "PercentBased",
        "TaxPercent",
        "NetAmountTaxable",
        "TaxInclusiveAmount",
        "OverrideDeltaAmount",
        "ServiceDate",
        "TaxLineDetailEx",
        TaxRateRef=REF,
    ),
    "DepositLineDetail": _fields(
        "CheckNum",
        "TxnType",
        Entity=REF,
        ClassRef=REF,
        AccountRef=REF,
        PaymentMethodRef=REF,
        TaxCodeRef=REF,
    ),
    LINE: _fields(
        "Id",
        "LineNum",
        "Description",
        "Amount",
        "Received",
        "DetailType",
        "LineEx",
        LinkedTxn=[LINKED],
        CustomField=[CUSTOM],
        ProjectRef=REF,
        SalesItemLineDetail="SalesItemLineDetail",
        DiscountLineDetail="DiscountLineDetail",
        DescriptionLineDetail="DescriptionLineDetail",
        SubTotalLineDetail="SubTotalLineDetail",
        GroupLineDetail="GroupLineDetail",
        TaxLineDetail="TaxLineDetail",
        DepositLineDetail="DepositLineDetail",
        ItemBasedExpenseLineDetail=None,
        AccountBasedExpenseLineDetail=None,
        JournalEntryLineDetail=None,
        TDSLineDetail=None,
        PaymentLineDetail=None,
    ),
    TAX_DETAIL: _fields(
        "TotalTax", "TaxReviewStatus", TxnTaxCodeRef=REF, DefaultTaxCodeRef=REF, TaxLine=[LINE]
    ),
    "DeliveryInfo": _fields("DeliveryType", "DeliveryTime", "DeliveryErrorType"),
    "CheckPayment": _fields("CheckNum", "Status", "NameOnAcct", "AcctNum", "BankName"),
    "CreditCardPayment": _fields("CreditChargeInfo", "CreditChargeResponse"),
    "CashBackInfo": _fields("Amount", "Memo", AccountRef=REF),
    "AttachableRef": _fields(
        "LineInfo",
        "IncludeOnSend",
        "Inactive",
        "NoRefOnly",
        EntityRef=REF,
        CustomField=[CUSTOM],
    ),
    "EmailMessageType": _fields("Subject", "Message"),
    "OtherPrefs": _fields(NameValue=[NAME_VALUE]),
    "CustomFieldDefinition": _fields("Name", "Type", "StringValue", "BooleanValue"),
    "PreferencesCustomFieldGroup": _fields(CustomField=["CustomFieldDefinition"]),
}

# IntuitEntity: what every entity has.
_ENTITY = _fields(
    "Id",
    "SyncToken",
    "domain",
    "status",
    "sparse",
    MetaData=META,
    CustomField=[CUSTOM],
    AttachableRef=["AttachableRef"],
)
# Transaction.
_TXN = {
    **_ENTITY,
    **_fields(
        "DocNumber",
        "TxnDate",
        "ExchangeRate",
        "PrivateNote",
        "TxnStatus",
        "TxnSource",
        "TaxFormType",
        "TaxFormNum",
        "TransactionLocationType",
        "Tag",
        "TxnApprovalInfo",
        "RecurringInfo",
        "GlobalTaxCalculation",
        "TotalAmt",
        "HomeTotalAmt",
        DepartmentRef=REF,
        CurrencyRef=REF,
        LinkedTxn=[LINKED],
        Line=[LINE],
        TxnTaxDetail=TAX_DETAIL,
        RecurDataRef=REF,
        TaxExemptionRef=REF,
        ProjectRef=REF,
    ),
}
# SalesTransaction: invoices, credit memos, sales and refund receipts, estimates.
_SALES = {
    **_TXN,
    **_fields(
        "AutoDocNumber",
        "FreeFormAddress",
        "DueDate",
        "PONumber",
        "FOB",
        "ShipDate",
        "TrackingNum",
        "ApplyTaxAfterDiscount",
        "PrintStatus",
        "EmailStatus",
        "Balance",
        "HomeBalance",
        "FinanceCharge",
        "PaymentRefNum",
        "PaymentType",
        "DiscountRate",
        "DiscountAmt",
        "GovtTxnRefIdentifier",
        CustomerRef=REF,
        CustomerMemo=MEMO,
        BillAddr=ADDR,
        ShipAddr=ADDR,
        ShipFromAddr=ADDR,
        RemitToRef=REF,
        ClassRef=REF,
        SalesTermRef=REF,
        SalesRepRef=REF,
        ShipMethodRef=REF,
        TemplateRef=REF,
        BillEmail=EMAIL,
        BillEmailCc=EMAIL,
        BillEmailBcc=EMAIL,
        ARAccountRef=REF,
        PaymentMethodRef=REF,
        CheckPayment="CheckPayment",
        CreditCardPayment="CreditCardPayment",
        DepositToAccountRef=REF,
        DeliveryInfo="DeliveryInfo",
    ),
}
# NameBase: customers (and vendors, employees).
_NAME = {
    **_ENTITY,
    **_fields(
        "IntuitId",
        "Organization",
        "Title",
        "GivenName",
        "MiddleName",
        "FamilyName",
        "Suffix",
        "FullyQualifiedName",
        "CompanyName",
        "DisplayName",
        "PrintOnCheckName",
        "UserId",
        "Active",
        "V4IDPseudonym",
        "OtherContactInfo",
        PrimaryPhone=PHONE,
        AlternatePhone=PHONE,
        Mobile=PHONE,
        Fax=PHONE,
        PrimaryEmailAddr=EMAIL,
        WebAddr=WEB,
        DefaultTaxCodeRef=REF,
    ),
}

ENTITIES: dict[str, dict] = {
    "Customer": {
        **_NAME,
        **_fields(
            "Taxable",
            "ContactName",
            "AltContactName",
            "Notes",
            "Job",
            "BillWithParent",
            "Level",
            "CCDetail",
            "Balance",
            "OpenBalanceDate",
            "BalanceWithJobs",
            "CreditLimit",
            "AcctNum",
            "OverDueBalance",
            "TotalRevenue",
            "TotalExpense",
            "PreferredDeliveryMethod",
            "ResaleNum",
            "JobInfo",
            "TDSEnabled",
            "CustomerEx",
            "SecondaryTaxIdentifier",
            "PrimaryTaxIdentifier",
            "TaxExemptionReasonId",
            "IsProject",
            "BusinessNumber",
            "GSTIN",
            "GSTRegistrationType",
            "IsCISContractor",
            BillAddr=ADDR,
            ShipAddr=ADDR,
            OtherAddr=[ADDR],
            RootCustomerRef=REF,
            ParentRef=REF,
            CustomerTypeRef=REF,
            SalesTermRef=REF,
            SalesRepRef=REF,
            PaymentMethodRef=REF,
            PriceLevelRef=REF,
            CurrencyRef=REF,
            ARAccountRef=REF,
        ),
    },
    "Item": {
        **_ENTITY,
        **_fields(
            "Name",
            "Sku",
            "Description",
            "Active",
            "SubItem",
            "Level",
            "FullyQualifiedName",
            "Taxable",
            "SalesTaxIncluded",
            "PercentBased",
            "UnitPrice",
            "RatePercent",
            "Type",
            "PurchaseDesc",
            "PurchaseTaxIncluded",
            "PurchaseCost",
            "TrackQtyOnHand",
            "QtyOnHand",
            "QtyOnPurchaseOrder",
            "QtyOnSalesOrder",
            "ReorderPoint",
            "ManPartNum",
            "InvStartDate",
            "BuildPoint",
            "PrintGroupedItems",
            "SpecialItem",
            "SpecialItemType",
            "ItemGroupDetail",
            "ItemAssemblyDetail",
            "AbatementRate",
            "ReverseChargeRate",
            "ServiceType",
            "ItemCategoryType",
            "ItemEx",
            "TaxClassificationRef",
            "UQCDisplayText",
            "UQCId",
            "ClassRef",
            "Source",
            "DeferredRevenue",
            ParentRef=REF,
            IncomeAccountRef=REF,
            ExpenseAccountRef=REF,
            AssetAccountRef=REF,
            SalesTaxCodeRef=REF,
            PurchaseTaxCodeRef=REF,
            PrefVendorRef=REF,
            DepositToAccountRef=REF,
            UOMSetRef=REF,
        ),
    },
    "Account": {
        **_ENTITY,
        **_fields(
            "Name",
            "SubAccount",
            "Description",
            "FullyQualifiedName",
            "Active",
            "Classification",
            "AccountType",
            "AccountSubType",
            "AccountAlias",
            "TxnLocationType",
            "AcctNum",
            "AcctNumExtn",
            "BankNum",
            "OpeningBalance",
            "OpeningBalanceDate",
            "CurrentBalance",
            "CurrentBalanceWithSubAccounts",
            "TaxAccount",
            "OnlineBankingEnabled",
            "FIName",
            "JournalCodeRef",
            "AccountEx",
            ParentRef=REF,
            CurrencyRef=REF,
            TaxCodeRef=REF,
        ),
    },
    "PaymentMethod": {**_ENTITY, **_fields("Name", "Active", "Type")},
    "Term": {
        **_ENTITY,
        **_fields(
            "Name",
            "Active",
            "Type",
            "DiscountPercent",
            "DueDays",
            "DiscountDays",
            "DayOfMonthDue",
            "DueNextMonthDays",
            "DiscountDayOfMonth",
        ),
    },
    "CompanyInfo": {
        **_ENTITY,
        **_fields(
            "CompanyName",
            "LegalName",
            "CompanyStartDate",
            "FiscalYearStartMonth",
            "Country",
            "SupportedLanguages",
            "DefaultTimeZone",
            "EmployerId",
            CompanyAddr=ADDR,
            CustomerCommunicationAddr=ADDR,
            LegalAddr=ADDR,
            CustomerCommunicationEmailAddr=EMAIL,
            PrimaryPhone=PHONE,
            Email=EMAIL,
            WebAddr=WEB,
            OtherContactInfo=None,
            NameValue=[NAME_VALUE],
        ),
    },
    "Invoice": {
        **_SALES,
        **_fields(
            "Deposit",
            "AllowIPNPayment",
            "AllowOnlinePayment",
            "AllowOnlineCreditCardPayment",
            "AllowOnlineACHPayment",
            "EInvoiceStatus",
            "ECloudStatusTimeStamp",
            "CfdiUse",
            "InvoiceLink",
            "InvoiceLinkSecurityCode",
            "InvoiceEx",
            "LessCIS",
            DepositToAccountRef=REF,
        ),
    },
    "Payment": {
        **_TXN,
        **_fields(
            "PaymentRefNum",
            "PaymentType",
            "UnappliedAmt",
            "ProcessPayment",
            "PaymentEx",
            CustomerRef=REF,
            RemitToRef=REF,
            ARAccountRef=REF,
            DepositToAccountRef=REF,
            PaymentMethodRef=REF,
            CheckPayment="CheckPayment",
            CreditCardPayment="CreditCardPayment",
        ),
    },
    "CreditMemo": {**_SALES, **_fields("RemainingCredit", "CreditMemoEx", InvoiceRef=REF)},
    "SalesReceipt": {**_SALES, **_fields("SalesReceiptEx")},
    "RefundReceipt": {**_SALES, **_fields("RefundReceiptEx")},
}

# Preferences: the sections a real company has, each with its own fields.
PREFERENCE_SECTIONS: dict[str, dict] = {
    "AccountingInfoPrefs": _fields(
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
    "ProductAndServicesPrefs": _fields(
        "ForSales",
        "ForPurchase",
        "InventoryAndPurchaseOrder",
        "QuantityWithPriceAndRate",
        "QuantityOnHand",
        "RevenueRecognition",
        "RevenueRecognitionFrequency",
        "UOM",
    ),
    "SalesFormsPrefs": _fields(
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
    "EmailMessagesPrefs": _fields(
        InvoiceMessage="EmailMessageType",
        EstimateMessage="EmailMessageType",
        SalesReceiptMessage="EmailMessageType",
        StatementMessage="EmailMessageType",
    ),
    "VendorAndPurchasesPrefs": _fields(
        "TrackingByCustomer",
        "BillableExpenseTracking",
        "TPAREnabled",
        "POCustomField",
        DefaultTerms=REF,
        DefaultMarkup=None,
        DefaultMarkupAccount=REF,
    ),
    "TimeTrackingPrefs": _fields(
        "UseServices",
        "DefaultTimeItem",
        "BillCustomers",
        "ShowBillRateToAll",
        "WorkWeekStartDate",
        "TimeTrackingEnabled",
        "MarkTimeEntriesBillable",
    ),
    "TaxPrefs": _fields(
        "UsingSalesTax",
        "AnyIntuitTaxEnabled",
        "PartnerTaxEnabled",
        "TaxAgencyRef",
        "AllowExemptionCertificate",
        "TaxGroupCodeRef",
    ),
    "CurrencyPrefs": _fields("MultiCurrencyEnabled", HomeCurrency=REF),
    "ReportPrefs": _fields("ReportBasis", "CalcAgingReportFromTxnDate"),
    "OtherPrefs": _fields(NameValue=[NAME_VALUE]),
}
TYPES.update(PREFERENCE_SECTIONS)
TYPES["SalesFormsPrefs"]["CustomField"] = ["PreferencesCustomFieldGroup"]
ENTITIES["Preferences"] = {**_ENTITY, **{name: name for name in PREFERENCE_SECTIONS}}


def unrecognized(field: str, type_name: str) -> ApiFault:
    return ApiFault(
        "2010",
        f'Property Name:Unrecognized field "{field}" (class com.intuit.schema.finance.v3.'
        f"{type_name}), not marked as ignorable specified is unsupported or invalid",
        element=field,
    )


def register(entity: str, fields: dict) -> None:
    """Entity modules declare the properties of their entity here."""
    ENTITIES[entity] = fields


def check_entity(entity: str, payload: dict) -> None:
    """Fault 2010 on the first property, at any depth, that the entity's type does not have.
    An entity without a table is not checked."""
    fields = ENTITIES.get(entity)
    if fields is not None:
        _check(entity, fields, payload)


def _check(type_name: str, fields: dict, value: dict) -> None:
    for key, item in value.items():
        if key not in fields:
            raise unrecognized(key, type_name)
        spec = fields[key]
        if spec is None or item is None:
            continue
        if isinstance(spec, list):
            if isinstance(item, list):
                for element in item:
                    if isinstance(element, dict):
                        _check(spec[0], TYPES[spec[0]], element)
        elif isinstance(item, dict):
            _check(spec, TYPES[spec], item)


SALES_TRANSACTION = _SALES
TRANSACTION = _TXN
ENTITY = _ENTITY
