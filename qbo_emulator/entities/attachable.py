"""Attachable: a note or a file linked to transactions or names (``AttachableRef`` with an
``EntityRef``). A file arrives through ``POST /upload`` (multipart); its bytes are kept with
the company and served at a signed, short-lived ``TempDownloadUri``."""

from __future__ import annotations

from ..errors import ApiFault, invalid_ref, required
from .base import Kind, check_len


class AttachableKind(Kind):
    name = "Attachable"
    deletable = True
    readonly = frozenset(
        {
            "Size",
            "FileAccessUri",
            "TempDownloadUri",
            "ThumbnailFileAccessUri",
            "ThumbnailTempDownloadUri",
        }
    )

    def build(self, ctx, existing, data):
        upload = ctx.upload
        record = {k: v for k, v in data.items() if k in ("Note", "Category", "PlaceName", "Tag")}
        if "Note" in record:
            check_len("Note", str(record["Note"]), 2000)
        file_name = data.get("FileName") or (existing or {}).get("FileName")
        if upload is not None:
            if not file_name:
                raise required("FileName")
            content_type = data.get("ContentType") or upload[1]
            if not content_type:
                raise required("ContentType")
            record.update(FileName=str(file_name), ContentType=content_type, Size=len(upload[0]))
        elif existing and existing.get("FileName"):
            # A JSON update keeps the file; only /upload replaces it.
            for key in ("FileName", "ContentType", "Size"):
                record[key] = existing[key]
        elif file_name:
            raise ApiFault(
                "2010",
                "A file is sent with POST /upload (multipart), not in the JSON body.",
                element="FileName",
            )
        elif not record.get("Note"):
            raise required("Note")
        refs = []
        for ref in data.get("AttachableRef") or []:
            entity_ref = ref.get("EntityRef") or {}
            entity, value = entity_ref.get("type"), str(entity_ref.get("value", ""))
            if not entity or not value:
                raise required("AttachableRef.EntityRef")
            if ctx.company.get(entity, value) is None:
                raise invalid_ref(entity, value, element="AttachableRef")
            out = {"EntityRef": {"type": entity, "value": value}}
            for key in ("IncludeOnSend", "LineInfo"):
                if key in ref:
                    out[key] = ref[key]
            refs.append(out)
        record["AttachableRef"] = refs
        return record

    def after_write(self, ctx, old, new):
        if ctx.upload is not None:
            ctx.company.files[new["Id"]] = (ctx.upload[0], new["ContentType"])
        if new.get("FileName"):
            realm = ctx.company.realm_id
            new["FileAccessUri"] = f"/v3/company/{realm}/download/{new['Id']}"

    def before_delete(self, ctx, record):
        ctx.company.files.pop(record["Id"], None)
