"""Class and Department (tracking lists that nest, referenced by ``ClassRef`` and
``DepartmentRef`` on sales documents and lines) and the read-only TaxAgency."""

from __future__ import annotations

from ..errors import ApiFault, business
from ..store import name_key
from .base import Kind, check_unique, ref_value, reindex_name, require_text, resolve_ref


class TrackingKind(Kind):
    """A name list with sub-levels: ``Sub<Name>`` + ``ParentRef`` + ``FullyQualifiedName``."""

    sub_flag = ""
    readonly = frozenset({"FullyQualifiedName"})

    def build(self, ctx, existing, data):
        name = require_text(data, "Name", 100)
        if ":" in name:
            raise business("The name can't contain a colon.", element="Name")
        obj_id = existing and existing["Id"]
        active = data.get("Active", True) not in (False, "false")
        record = {"Name": name, "Active": active}
        parent = None
        if ref_value(data.get("ParentRef")):
            parent = resolve_ref(ctx, data, "ParentRef", self.name, self.name, name_field="Name")
            if parent["value"] == obj_id:
                raise business(f"A {self.name.lower()} can't be its own parent.")
        if parent:
            parent_record = ctx.company.get(self.name, parent["value"])
            record.update(
                {self.sub_flag: True, "ParentRef": parent},
                FullyQualifiedName=f"{parent_record['FullyQualifiedName']}:{name}",
            )
        else:
            record.update({self.sub_flag: False}, FullyQualifiedName=name)
        check_unique(ctx, self.name, name_key(record["FullyQualifiedName"]), obj_id)
        if existing and not active:
            children = [
                r
                for r in ctx.company.table(self.name).values()
                if (r.get("ParentRef") or {}).get("value") == obj_id and r.get("Active")
            ]
            if children:
                raise business(f"This {self.name.lower()} has active sub-levels. Move them first.")
        return record

    def after_write(self, ctx, old, new):
        reindex_name(
            ctx,
            self.name,
            old and name_key(old["FullyQualifiedName"]),
            name_key(new["FullyQualifiedName"]),
            new.get("Id"),
        )


class ClassKind(TrackingKind):
    name = "Class"
    sub_flag = "SubClass"


class DepartmentKind(TrackingKind):
    name = "Department"
    sub_flag = "SubDepartment"


class TaxAgencyKind(Kind):
    """Read and query only here: agencies come with the company's tax set-up."""

    name = "TaxAgency"
    creatable = False

    def build(self, ctx, existing, data):
        raise ApiFault("500", "Operation update is not supported for TaxAgency.")
