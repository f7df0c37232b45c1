"""Which properties each entity can be filtered and sorted on in a query (reference §4), and
which entities leave inactive records out unless the query names ``Active``."""

from __future__ import annotations

COMMON = {"Id", "MetaData.CreateTime", "MetaData.LastUpdatedTime", "SyncToken"}
QUERYABLE = {
    "Customer": {
        "DisplayName",
        "GivenName",
        "FamilyName",
        "MiddleName",
        "CompanyName",
        "Title",
        "Suffix",
        "PrimaryEmailAddr",
        "PrimaryEmailAddr.Address",
        "Balance",
        "Active",
        "Job",
        "ParentRef",
        "FullyQualifiedName",
        "PrintOnCheckName",
        "Taxable",
    },
    "Item": {
        "Name",
        "Type",
        "Sku",
        "Active",
        "FullyQualifiedName",
        "ParentRef",
        "SubItem",
        "Taxable",
        "UnitPrice",
        "QtyOnHand",
        "Level",
    },
    "Account": {
        "Name",
        "AccountType",
        "AccountSubType",
        "Classification",
        "Active",
        "SubAccount",
        "FullyQualifiedName",
        "ParentRef",
        "AcctNum",
        "CurrentBalance",
    },
    "TaxCode": {"Name", "Active", "Taxable", "TaxGroup", "Hidden"},
    "TaxRate": {"Name", "Active", "RateValue", "AgencyRef", "SpecialTaxType", "DisplayType"},
    "PaymentMethod": {"Name", "Active", "Type"},
    "Term": {"Name", "Active", "Type", "DueDays"},
    "Invoice": {
        "DocNumber",
        "TxnDate",
        "DueDate",
        "CustomerRef",
        "Balance",
        "TotalAmt",
        "EmailStatus",
        "PrintStatus",
        "DepartmentRef",
        "ClassRef",
        "SalesTermRef",
    },
    "Payment": {
        "TxnDate",
        "CustomerRef",
        "TotalAmt",
        "PaymentRefNum",
        "DepositToAccountRef",
        "UnappliedAmt",
        "PaymentMethodRef",
    },
    "CompanyInfo": {"CompanyName", "Country"},
    "Preferences": set(),
}
_SALES_DOCUMENT = {
    "DocNumber",
    "TxnDate",
    "CustomerRef",
    "Balance",
    "TotalAmt",
    "PrintStatus",
    "DepartmentRef",
    "ClassRef",
}
QUERYABLE["CreditMemo"] = _SALES_DOCUMENT | {"RemainingCredit", "EmailStatus"}
QUERYABLE["SalesReceipt"] = _SALES_DOCUMENT | {
    "EmailStatus",
    "DepositToAccountRef",
    "PaymentMethodRef",
}
QUERYABLE["RefundReceipt"] = _SALES_DOCUMENT | {"DepositToAccountRef", "PaymentMethodRef"}
QUERYABLE["Estimate"] = _SALES_DOCUMENT | {"TxnStatus", "ExpirationDate", "EmailStatus"}
QUERYABLE["Deposit"] = {"TxnDate", "TotalAmt", "DepositToAccountRef", "DocNumber"}
QUERYABLE["Class"] = {"Name", "Active", "SubClass", "ParentRef", "FullyQualifiedName"}
QUERYABLE["Department"] = {"Name", "Active", "SubDepartment", "ParentRef", "FullyQualifiedName"}
QUERYABLE["TaxAgency"] = {"DisplayName", "TaxTrackedOnSales", "TaxTrackedOnPurchases"}
QUERYABLE["Attachable"] = {"FileName", "ContentType", "Category", "Note"}
HAS_ACTIVE = {
    "Customer",
    "Item",
    "Account",
    "TaxCode",
    "TaxRate",
    "PaymentMethod",
    "Term",
    "Class",
    "Department",
}
