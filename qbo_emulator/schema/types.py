"""The nested types of QBO's v3 schema (references, addresses, lines and their details, tax
detail ...) as property tables: a spec is ``None`` (a scalar, or a value whose inside is not
checked), a type name (an object of that type) or a one-element list (an array of it)."""

from __future__ import annotations

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


def fields_of(*names: str, **typed) -> dict:
    spec = dict.fromkeys(names)
    spec.update(typed)
    return spec


TYPES: dict[str, dict] = {
    REF: fields_of("value", "name", "type"),
    ADDR: fields_of(
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
    EMAIL: fields_of("Id", "Address", "Default", "Tag"),
    PHONE: fields_of(
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
    WEB: fields_of("Id", "URI", "Default", "Tag"),
    MEMO: fields_of("value", "id"),
    META: fields_of(
        "CreatedByRef",
        "CreateTime",
        "LastModifiedByRef",
        "LastUpdatedTime",
        "LastChangedInQB",
        "Synchronized",
    ),
    LINKED: fields_of("TxnId", "TxnType", "TxnLineId"),
    CUSTOM: fields_of(
        "DefinitionId", "Name", "Type", "StringValue", "BooleanValue", "DateValue", "NumberValue"
    ),
    NAME_VALUE: fields_of("Name", "Value"),
    "MarkupInfo": fields_of(
        "PercentBased", "Value", "Percent", "PriceLevelRef", MarkUpIncomeAccountRef=REF
    ),
    "SalesItemLineDetail": fields_of(
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
    "DiscountOverride": fields_of(
        "PercentBased", "DiscountPercent", DiscountRef=REF, DiscountAccountRef=REF
    ),
    "DiscountLineDetail": fields_of(
        "PercentBased",
        "DiscountPercent",
        "ServiceDate",
        Discount="DiscountOverride",
        ClassRef=REF,
        TaxCodeRef=REF,
        DiscountRef=REF,
        DiscountAccountRef=REF,
    ),
    "DescriptionLineDetail": fields_of("ServiceDate", TaxCodeRef=REF),
    "SubTotalLineDetail": fields_of("ServiceDate", ItemRef=REF),
    "GroupLineDetail": fields_of("Quantity", GroupItemRef=REF, Line=[LINE]),
    "TaxLineDetail": fields_of(
        "PercentBased",
        "TaxPercent",
        "NetAmountTaxable",
        "TaxInclusiveAmount",
        "OverrideDeltaAmount",
        "ServiceDate",
        "TaxLineDetailEx",
        TaxRateRef=REF,
    ),
    "DepositLineDetail": fields_of(
        "CheckNum",
        "TxnType",
        Entity=REF,
        ClassRef=REF,
        AccountRef=REF,
        PaymentMethodRef=REF,
        TaxCodeRef=REF,
    ),
    LINE: fields_of(
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
    TAX_DETAIL: fields_of(
        "TotalTax", "TaxReviewStatus", TxnTaxCodeRef=REF, DefaultTaxCodeRef=REF, TaxLine=[LINE]
    ),
    "DeliveryInfo": fields_of("DeliveryType", "DeliveryTime", "DeliveryErrorType"),
    "CheckPayment": fields_of("CheckNum", "Status", "NameOnAcct", "AcctNum", "BankName"),
    "CreditCardPayment": fields_of("CreditChargeInfo", "CreditChargeResponse"),
    "CashBackInfo": fields_of("Amount", "Memo", AccountRef=REF),
    "AttachableRef": fields_of(
        "LineInfo",
        "IncludeOnSend",
        "Inactive",
        "NoRefOnly",
        EntityRef=REF,
        CustomField=[CUSTOM],
    ),
    "EmailMessageType": fields_of("Subject", "Message"),
    "OtherPrefs": fields_of(NameValue=[NAME_VALUE]),
    "CustomFieldDefinition": fields_of("Name", "Type", "StringValue", "BooleanValue"),
    "PreferencesCustomFieldGroup": fields_of(CustomField=["CustomFieldDefinition"]),
}
