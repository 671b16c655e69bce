"""Attachments (附件) of records: scope, limits, sniffed types, recycle bin, audit, storage.

Personas on a widget owned by rep1: the owner; rep2 once made a team member (团队成员);
rep3, an outsider in another department (404 everywhere, like a missing id); service1, who sees
every customer record but changes none (403 on writes, no upload form).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.checks import Error
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guanxi.core import attachment_types
from guanxi.core.checks import attachments_outside_web_roots
from guanxi.core.models import Attachment, AuditEvent
from guanxi.core.services import attachments as service
from guanxi.core.services import collaborators, records
from guanxi.core.services.audit import history
from tests.testapp.models import Widget

LABEL = "testapp.widget"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


@pytest.fixture(autouse=True)
def attachments_root(settings, tmp_path):
    settings.GUANXI_ATTACHMENTS_ROOT = tmp_path / "attachments"
    return settings.GUANXI_ATTACHMENTS_ROOT


@pytest.fixture
def widget(org):
    rep = org.users["rep1"]
    return records.create_record(Widget, actor=rep, values={"name": "gear", "owner": rep})


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def api_upload(client, widget, name="quote.pdf", content=PDF, content_type="application/pdf"):
    return client.post(
        f"/api/v1/attachments/{LABEL}/{widget.pk}",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def attach(widget, user, name="quote.pdf", content=PDF):
    return service.upload(widget, actor=user, file=SimpleUploadedFile(name, content))


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["客户", "金额"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


# ------------------------------------------------------------------ the owner


def test_owner_uploads_lists_and_downloads_through_the_api(org, api_for, widget):
    owner = api_for("rep1")
    # the client claims an image: the stored type comes from the bytes
    response = api_upload(owner, widget, content_type="image/png")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["file_name"] == "quote.pdf" and body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF) and body["record"] == LABEL
    import hashlib

    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()

    listed = owner.get(f"/api/v1/attachments/{LABEL}/{widget.pk}").json()
    assert listed["count"] == 1 and listed["page"] == 1 and listed["page_size"] == 50
    assert [a["id"] for a in listed["items"]] == [body["id"]]

    download = owner.get(f"/api/v1/attachments/{body['id']}/content")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="quote.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]


def test_the_api_list_refuses_unknown_keys_and_pages_out_of_range(org, api_for, client_for, widget):
    owner = api_for("rep1")
    url = f"/api/v1/attachments/{LABEL}/{widget.pk}"
    assert list(owner.get(url, {"owner": "1"}).json()["fields"]) == ["owner"]
    assert "page_size" in owner.get(url, {"page_size": 501}).json()["fields"]
    assert owner.get(url, {"sort": "stored_name"}).status_code == 400
    params = {
        p["name"]
        for p in _openapi_parameters(client_for("rep1"), "/api/v1/attachments/{label}/{pk}")
    }
    assert {"page", "page_size", "sort"} <= params


def _openapi_parameters(client, path):
    spec = client.get("/api/v1/openapi.json").json()
    return spec["paths"][path]["get"]["parameters"]


@pytest.mark.urls("tests.testapp.urls")
def test_owner_attaches_on_the_page_and_sees_a_thumbnail(org, client_for, widget):
    owner = client_for("rep1")
    detail = reverse("testapp:widget_detail", args=[widget.pk])
    upload = reverse("core:attachment_upload", args=[LABEL, widget.pk])
    response = owner.post(upload, {"file": SimpleUploadedFile("平面图.png", PNG)})
    assert response.status_code == 302 and response["Location"] == detail

    attachment = Attachment.objects.get()
    assert attachment.mime_type == "image/png" and attachment.file_name == "平面图.png"
    page = owner.get(detail).content.decode()
    image_url = reverse("core:attachment_download", args=[attachment.pk])
    assert f'<img src="{image_url}"' in page and 'enctype="multipart/form-data"' in page

    inline = owner.get(image_url)
    assert inline["Content-Type"] == "image/png"
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline["X-Content-Type-Options"] == "nosniff"
    forced = owner.get(image_url, {"download": "1"})
    assert forced["Content-Disposition"].startswith("attachment;")
    assert "%E5%B9%B3%E9%9D%A2%E5%9B%BE.png" in forced["Content-Disposition"]  # RFC 5987


def test_only_images_are_ever_served_inline(org, client_for, widget):
    attachment = attach(widget, org.users["rep1"], "notes.txt", b"hello <b>world</b>")
    response = client_for("rep1").get(reverse("core:attachment_download", args=[attachment.pk]))
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")


# ------------------------------------------------------------------ other personas


def test_an_outsider_gets_404_exactly_like_a_missing_id(
    org, api_for, client_for, widget, attachments_root
):
    attachment = attach(widget, org.users["rep1"])
    outsider = api_for("rep3")
    missing_record = outsider.get(f"/api/v1/attachments/{LABEL}/999999")
    answers = [
        outsider.get(f"/api/v1/attachments/{LABEL}/{widget.pk}"),
        outsider.get(f"/api/v1/attachments/{attachment.pk}/content"),
        outsider.delete(f"/api/v1/attachments/{attachment.pk}"),
        api_upload(outsider, widget),
        outsider.get(f"/api/v1/attachments/unknown.model/{widget.pk}"),
        outsider.get("/api/v1/attachments/999999/content"),
    ]
    for response in answers:
        assert response.status_code == 404
        assert response.json() == missing_record.json()
    assert missing_record.json()["code"] == "not_found"

    pages = client_for("rep3")
    assert pages.get(reverse("core:attachment_download", args=[attachment.pk])).status_code == 404
    assert pages.post(reverse("core:attachment_delete", args=[attachment.pk])).status_code == 404
    upload = reverse("core:attachment_upload", args=[LABEL, widget.pk])
    assert pages.post(upload, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404
    # nothing changed: still one live attachment, one file stored
    assert list(Attachment.objects.values_list("pk", flat=True)) == [attachment.pk]
    assert len(stored_files(attachments_root)) == 1


@pytest.mark.urls("tests.testapp.urls")
def test_a_read_only_user_sees_files_but_no_controls_and_gets_403(
    org, api_for, client_for, widget, attachments_root
):
    attachment = attach(widget, org.users["rep1"])
    reader = client_for("service1")  # views every customer record, changes none
    page = reader.get(reverse("testapp:widget_detail", args=[widget.pk])).content.decode()
    assert "quote.pdf" in page
    assert reverse("core:attachment_upload", args=[LABEL, widget.pk]) not in page
    assert reverse("core:attachment_delete", args=[attachment.pk]) not in page
    download = reader.get(reverse("core:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200

    upload = reverse("core:attachment_upload", args=[LABEL, widget.pk])
    assert reader.post(upload, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 403
    assert reader.post(reverse("core:attachment_delete", args=[attachment.pk])).status_code == 403
    api = api_for("service1")
    refused = api_upload(api, widget)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert api.delete(f"/api/v1/attachments/{attachment.pk}").status_code == 403
    assert Attachment.objects.count() == 1 and len(stored_files(attachments_root)) == 1


def test_team_members_attach_only_with_read_write_access(org, api_for, widget):
    owner = org.users["rep1"]
    collaborators.set_team_member(widget, actor=owner, user=org.users["rep2"], can_change=False)
    assert api_upload(api_for("rep2"), widget).status_code == 403
    assert api_for("rep2").get(f"/api/v1/attachments/{LABEL}/{widget.pk}").status_code == 200
    collaborators.set_team_member(widget, actor=owner, user=org.users["rep2"], can_change=True)
    assert api_upload(api_for("rep2"), widget).status_code == 201


def test_a_record_in_the_recycle_bin_hides_its_attachments(org, api_for, widget):
    attachment = attach(widget, org.users["rep1"])
    records.soft_delete(widget, actor=org.users["rep1"])
    owner = api_for("rep1")
    assert owner.get(f"/api/v1/attachments/{attachment.pk}/content").status_code == 404
    assert owner.get(f"/api/v1/attachments/{LABEL}/{widget.pk}").status_code == 404


# ------------------------------------------------------------------ limits and types


def test_a_file_over_the_size_limit_is_refused_naming_the_field(
    org, api_for, widget, settings, attachments_root
):
    settings.GUANXI_ATTACHMENT_MAX_BYTES = 1024
    response = api_upload(api_for("rep1"), widget, "big.pdf", PDF + b"0" * 1024)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]
    assert "20" not in response.json()["fields"]["file"][0]  # names the configured limit
    assert not Attachment.all_objects.exists() and stored_files(attachments_root) == []
    assert not history(widget).filter(action="update").exists()
    assert api_upload(api_for("rep1"), widget, "ok.pdf", PDF).status_code == 201


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("page.txt", b"  <html><body onload=alert(1)>"),  # markup named as text
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8),
        ("run.sh", b"#!/bin/sh\nrm -rf /\n"),  # text, but not a .txt or .csv
        ("quote.exe", PDF),  # the bytes are fine, the name is not theirs
        ("macro.xlsm", b""),  # empty
        ("installer.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),  # no Word stream
    ],
)
def test_forbidden_types_are_refused_naming_the_field(
    org, api_for, widget, attachments_root, name, content
):
    response = api_upload(api_for("rep1"), widget, name, content, content_type="image/png")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == ["file"]
    assert not Attachment.all_objects.exists() and stored_files(attachments_root) == []


@pytest.mark.urls("tests.testapp.urls")
def test_a_refused_page_upload_says_why(org, client_for, widget, attachments_root):
    upload = reverse("core:attachment_upload", args=[LABEL, widget.pk])
    response = client_for("rep1").post(
        upload, {"file": SimpleUploadedFile("x.html", b"<html></html>")}, follow=True
    )
    assert "不能作为附件" in response.content.decode()  # the message, in the user's language
    assert stored_files(attachments_root) == []


def _ole(stream_name: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + stream_name.encode("utf-16-le")


@pytest.mark.parametrize(
    ("name", "content", "mime_type"),
    [
        ("a.png", PNG, "image/png"),
        ("a.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        ("a.gif", b"GIF89a\x01\x00\x01\x00", "image/gif"),
        ("a.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        ("a.pdf", PDF, "application/pdf"),
        ("a.xlsx", xlsx_bytes(), attachment_types.XLSX.mime_type),
        (
            "a.docx",
            zip_bytes({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}),
            attachment_types.DOCX.mime_type,
        ),
        (
            "a.pptx",
            zip_bytes({"[Content_Types].xml": b"<x/>", "ppt/presentation.xml": b"<x/>"}),
            attachment_types.PPTX.mime_type,
        ),
        ("a.zip", zip_bytes({"readme.txt": b"hi"}), "application/zip"),
        ("a.doc", _ole("WordDocument"), "application/msword"),
        ("a.xls", _ole("Workbook"), "application/vnd.ms-excel"),
        ("a.csv", "客户,金额\n华东贸易,100\n".encode(), "text/csv"),
        ("gbk.csv", "客户,金额\n华东贸易,100\n".encode("gb18030"), "text/csv"),
        ("a.txt", "备注 notes\n".encode(), "text/plain"),
    ],
)
def test_allowed_types_are_recognised_by_their_bytes(name, content, mime_type):
    kind = attachment_types.sniff(io.BytesIO(content), name)
    assert kind is not None and kind.mime_type == mime_type


def test_an_office_name_on_a_plain_zip_is_refused():
    assert attachment_types.sniff(io.BytesIO(zip_bytes({"a.txt": b"x"})), "a.docx") is None


# ------------------------------------------------------------------ bin, restore, audit


@pytest.mark.urls("tests.testapp.urls")
def test_delete_to_the_bin_and_restore_with_audit_rows_on_the_record(
    org, client_for, api_for, widget, attachments_root
):
    owner = client_for("rep1")
    attachment = attach(widget, org.users["rep1"])
    response = owner.post(reverse("core:attachment_delete", args=[attachment.pk]))
    assert response["Location"] == reverse("testapp:widget_detail", args=[widget.pk])
    assert not Attachment.objects.exists() and len(stored_files(attachments_root)) == 1
    assert api_for("rep1").get(f"/api/v1/attachments/{attachment.pk}/content").status_code == 404

    bin_page = owner.get(reverse("core:attachment_bin")).content.decode()
    assert "quote.pdf" in bin_page
    assert (
        "quote.pdf" not in client_for("rep3").get(reverse("core:attachment_bin")).content.decode()
    )
    # the outsider cannot restore it; the read-only user neither
    assert api_for("rep3").post(f"/api/v1/attachments/{attachment.pk}/restore").status_code == 404
    assert (
        api_for("service1").post(f"/api/v1/attachments/{attachment.pk}/restore").status_code == 404
    )
    assert not Attachment.objects.exists()

    restored = api_for("rep1").post(f"/api/v1/attachments/{attachment.pk}/restore")
    assert restored.status_code == 200 and restored.json()["deleted_at"] is None
    assert api_for("rep1").get(f"/api/v1/attachments/{attachment.pk}/content").status_code == 200

    deleted = api_for("rep1").delete(f"/api/v1/attachments/{attachment.pk}")
    assert deleted.status_code == 200 and deleted.json()["deleted_at"] is not None
    owner.post(reverse("core:attachment_restore", args=[attachment.pk]))
    assert Attachment.objects.filter(pk=attachment.pk).exists()

    label = f"quote.pdf (#{attachment.pk})"
    events = history(widget).filter(action=AuditEvent.Action.UPDATE).order_by("pk")
    assert [(e.actor.username, e.changes) for e in events] == [
        ("rep1", {"attachments": [None, label]}),
        ("rep1", {"attachments": [label, f"{label} (recycle bin)"]}),
        ("rep1", {"attachments": [f"{label} (recycle bin)", label]}),
        ("rep1", {"attachments": [label, f"{label} (recycle bin)"]}),
        ("rep1", {"attachments": [f"{label} (recycle bin)", label]}),
    ]
    assert all(e.object_id == widget.pk for e in events)


# ------------------------------------------------------------------ storage


def test_files_are_stored_under_random_names_outside_every_web_root(
    org, widget, settings, attachments_root
):
    attachment = attach(widget, org.users["rep1"], "客户名单.csv", b"a,b\n")
    stored = Path(service.attachment_storage().path(attachment.stored_name))
    assert stored.read_bytes() == b"a,b\n" and stored.is_relative_to(attachments_root)
    assert "客户" not in attachment.stored_name and not attachment.stored_name.endswith(".csv")
    for root in service.public_roots():
        assert not stored.resolve().is_relative_to(root)
    assert attachments_outside_web_roots(None) == []

    settings.GUANXI_ATTACHMENTS_ROOT = Path(settings.STATIC_ROOT) / "attachments"
    errors = attachments_outside_web_roots(None)
    assert [e.id for e in errors] == ["guanxi.E006"] and isinstance(errors[0], Error)


def test_the_api_error_body_is_json(org, api_for, widget):
    response = api_upload(api_for("rep1"), widget, "x.html", b"<html>")
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["code"] == "invalid"
