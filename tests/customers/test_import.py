"""Import: dry run, atomic commit, skip-invalid with an error file, GB18030, XLSX, idempotent
re-runs, scope, upload safety, the page, the CLI and the API batch with its status."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from guanxi.core.errors import InvalidInput
from guanxi.core.models import AuditEvent, ImportBatch
from guanxi.customers.models import Contact, Customer
from guanxi.customers.services.importing import import_customers, template_file

pytestmark = pytest.mark.django_db

HEADER = [
    "客户名称",
    "类型",
    "手机",
    "邮箱",
    "省份",
    "城市",
    "行业",
    "重要性",
    "标签",
    "联系人",
    "联系人手机",
]
GOOD = [
    [
        "广州华兴贸易有限公司",
        "企业",
        "13800138000",
        "a@huaxing.cn",
        "广东省",
        "广州市",
        "51",
        "重要型",
        "华南,经销商",
        "张三",
        "13900139000",
    ],
    [
        "深圳鑫达电子有限公司",
        "company",
        "13800138001",
        "",
        "广东省",
        "深圳市",
        "39",
        "VIP",
        "",
        "李四",
        "",
    ],
    ["王小明", "个人", "13800138002", "wang@example.cn", "北京市", "", "", "ordinary", "", "", ""],
]
BAD = [
    ["", "企业", "13800138003", "", "广东省", "", "51", "", "", "", ""],  # no name
    ["坏数据公司", "企业", "not-a-phone", "bad-email", "火星省", "", "51", "超级", "", "", ""],
]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run(org: Any, data: bytes, user: str = "rep1", **kwargs: Any) -> Any:
    return import_customers(
        data, filename=kwargs.pop("filename", "customers.csv"), actor=org.users[user], **kwargs
    )


def test_import_creates_customers_and_contacts_in_one_batch(org: Any) -> None:
    result = run(org, csv_bytes(GOOD))
    assert result.written and result.created == 3 and not result.errors
    huaxing = Customer.objects.get(name="广州华兴贸易有限公司")
    assert huaxing.owner == org.users["rep1"]
    assert huaxing.province == "440000" and huaxing.city == "440100" and huaxing.industry == "51"
    assert huaxing.importance == "important" and huaxing.tag_list == ["华南", "经销商"]
    assert Customer.objects.get(name="王小明").kind == "person"
    contact = Contact.objects.get(name="张三")
    assert contact.customer == huaxing and contact.is_primary
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.status == "done" and batch.counts["created"] == 3 and batch.file_sha256
    assert AuditEvent.objects.filter(batch=batch, action="create").count() == 3 + 2  # + contacts


def test_dry_run_lists_every_bad_row_and_writes_nothing(org: Any) -> None:
    result = run(org, csv_bytes(GOOD + BAD), dry_run=True)
    assert not result.written
    assert result.bad_lines == [5, 6]
    columns = {(e.line, e.column) for e in result.errors}
    assert (5, "客户名称") in columns
    assert {(6, "手机"), (6, "邮箱"), (6, "省份"), (6, "重要性")} <= columns
    assert all(e.reason for e in result.errors)
    assert not Customer.objects.exists() and not ImportBatch.objects.exists()


def test_atomic_commit_writes_nothing_when_a_row_is_bad(org: Any) -> None:
    result = run(org, csv_bytes(GOOD + BAD))
    assert not result.written and result.bad_lines == [5, 6]
    assert not Customer.objects.exists() and not Contact.objects.exists()
    assert ImportBatch.objects.get().status == "failed"
    assert (
        not AuditEvent.objects.filter(action="create")
        .exclude(content_type__app_label="core")
        .exists()
    )


def test_skip_invalid_writes_good_rows_and_returns_an_error_file(org: Any) -> None:
    with translation.override("en"):
        result = run(org, csv_bytes(GOOD + BAD), skip_invalid=True)
    assert result.written and result.created == 3 and result.bad_lines == [5, 6]
    assert Customer.objects.count() == 3
    rows = list(csv.reader(io.StringIO(result.error_file.decode("utf-8-sig"))))
    assert rows[0][0] == "line" and rows[0][-1] == "reason" and rows[0][1:-1] == HEADER
    assert [r[0] for r in rows[1:]] == ["5", "6"]
    assert "手机" in rows[2][-1]
    assert rows[2][1] == "坏数据公司"


def test_gb18030_and_gbk_files(org: Any) -> None:
    result = run(org, csv_bytes(GOOD, encoding="gb18030"))
    assert result.created == 3
    assert Customer.objects.filter(name="广州华兴贸易有限公司").exists()
    result = run(org, csv_bytes(GOOD, encoding="gbk"))
    assert result.created == 0 and result.unchanged == 3


def test_rerunning_the_same_file_changes_nothing(org: Any) -> None:
    data = csv_bytes(GOOD)
    run(org, data)
    events = AuditEvent.objects.count()
    versions = dict(Customer.objects.values_list("pk", "version"))
    again = run(org, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert AuditEvent.objects.count() == events
    assert dict(Customer.objects.values_list("pk", "version")) == versions
    assert Customer.objects.count() == 3 and Contact.objects.count() == 2


def test_rows_match_existing_customers_by_code_phone_email_or_name_and_region(
    org: Any, make_customer: Any
) -> None:
    by_code = make_customer("rep1", name="Old name", code="K-1")
    by_phone = make_customer("rep1", name="Phone Co", phone="+86 138 0013 9999")
    by_email = make_customer("rep1", name="Mail Co", email="Hello@Mail.example")
    by_name = make_customer("rep1", name="北京华夏科技有限公司", province="110000")
    header = ["code", "name", "phone", "email", "province", "notes"]
    rows = [
        ["K-1", "New name", "", "", "", "code"],
        ["", "Phone Company", "13800139999", "", "", "phone"],
        ["", "Mail Company", "", "hello@mail.example", "", "email"],
        ["", "北京华夏科技", "", "", "北京市", "name"],
    ]
    result = run(org, csv_bytes(rows, header))
    assert (result.created, result.updated) == (0, 4), result.errors
    for customer, note in [
        (by_code, "code"),
        (by_phone, "phone"),
        (by_email, "email"),
        (by_name, "name"),
    ]:
        customer.refresh_from_db()
        assert customer.notes == note
    by_code.refresh_from_db()
    assert by_code.name == "New name"
    assert AuditEvent.objects.filter(batch_id=result.batch_id, action="update").count() == 4


def test_a_match_outside_the_scope_is_a_bad_row(org: Any, make_customer: Any) -> None:
    make_customer("rep3", name="Foreign Co", phone="13700137000")
    with translation.override("en"):
        result = run(
            org, csv_bytes([["Foreign Co copy", "", "13700137000", "", "", "", "", "", "", "", ""]])
        )
    assert result.bad_lines == [2]
    assert "outside your scope" in result.errors[0].reason
    assert Customer.objects.count() == 1


def test_owner_column_follows_the_hand_over_rule(org: Any) -> None:
    header = ["name", "owner"]
    result = run(
        org,
        csv_bytes([["A Co", "rep2"], ["B Co", "rep3"], ["C Co", "nobody"]], header),
        skip_invalid=True,
    )
    assert result.bad_lines == [3, 4]
    assert Customer.objects.get().owner == org.users["rep2"]


def test_xlsx_import_with_numbers_and_english_headers(org: Any) -> None:
    header = ["Name", "Phone", "Email", "Annual turnover", "Province"]
    data = xlsx_bytes(
        [["Pacific Trading Ltd.", 13800138000, "x@pacific.example", 1234567.5, "上海市"]], header
    )
    result = run(org, data, filename="c.xlsx")
    assert result.created == 1, result.errors
    customer = Customer.objects.get()
    assert customer.phone == "13800138000"
    assert str(customer.annual_turnover) == "1234567.50"


def test_xlsx_error_file_is_xlsx_with_text_cells(org: Any) -> None:
    data = xlsx_bytes([["@SUM(1+1)*cmd", "企业", "bad", "", "", "", "", "", "", "", ""]])
    result = run(org, data, skip_invalid=True, filename="c.xlsx")
    assert result.error_format == "xlsx"
    ws = load_workbook(io.BytesIO(result.error_file)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[1][1] == "'@SUM(1+1)*cmd"
    assert all(
        c.data_type == "s"
        for row in ws.iter_rows()
        for c in row
        if c.value is not None and not isinstance(c.value, int)
    )


def test_explicit_mapping_and_unknown_columns(org: Any) -> None:
    header = ["公司", "电话号码", "Shoe size"]
    result = run(
        org,
        csv_bytes([["映射公司", "13800138000", "42"]], header),
        mapping={"公司": "name", "电话号码": "phone"},
    )
    assert result.created == 1 and result.ignored_columns == ["Shoe size"]
    with pytest.raises(InvalidInput):
        run(org, csv_bytes([["x"]], ["whatever"]))
    with pytest.raises(InvalidInput):
        run(org, csv_bytes([["x"]], ["name"]), mapping={"name": "owner__password"})


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02binary",
        b"PK\x03\x04 not really a zip",
        b"\xff\xfe\xfa\xfb" * 10,
    ],
)
def test_uploads_are_checked_by_content(org: Any, data: bytes) -> None:
    with pytest.raises(InvalidInput):
        run(org, data, filename="customers.csv")


def test_zip_bomb_is_refused_by_unpacked_size(org: Any, settings: Any) -> None:
    settings.GUANXI_IMPORT_MAX_UNPACKED = 10_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/workbook.xml", "<x/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * 1_000_000)
    with pytest.raises(InvalidInput) as exc:
        run(org, buffer.getvalue(), filename="bomb.xlsx")
    assert "unpacks" in str(exc.value)


def test_size_limit(org: Any, settings: Any) -> None:
    settings.GUANXI_IMPORT_MAX_BYTES = 100
    with pytest.raises(InvalidInput):
        run(org, csv_bytes(GOOD * 10))


def test_templates_carry_the_field_headers(client_for: Any) -> None:
    client = client_for("rep1")
    text = client.get("/customers/import/template.csv").content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("code,name,name_en,kind")
    ws = load_workbook(io.BytesIO(client.get("/customers/import/template.xlsx").content)).active
    assert ws["B1"].value == "name"
    assert template_file("csv")


def test_import_page_dry_run_and_skip_invalid(org: Any, client_for: Any) -> None:
    client = client_for("rep1")
    upload = SimpleUploadedFile("c.csv", csv_bytes(GOOD + BAD), content_type="text/csv")
    response = client.post("/customers/import/", {"file": upload, "dry_run": "on"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "火星省" in body and not Customer.objects.exists()
    upload = SimpleUploadedFile("c.csv", csv_bytes(GOOD + BAD), content_type="text/csv")
    response = client.post("/customers/import/", {"file": upload, "skip_invalid": "on"})
    assert response.status_code == 200 and Customer.objects.count() == 3
    batch = ImportBatch.objects.get()
    error_file = client.get(f"/customers/import/{batch.pk}/errors.csv")
    assert error_file.status_code == 200 and "坏数据公司" in error_file.content.decode("utf-8-sig")
    assert client_for("rep2").get(f"/customers/import/{batch.pk}/errors.csv").status_code == 404


def test_read_only_users_cannot_import(org: Any, client_for: Any) -> None:
    upload = SimpleUploadedFile("c.csv", csv_bytes(GOOD), content_type="text/csv")
    assert client_for("service1").post("/customers/import/", {"file": upload}).status_code == 403
    assert not Customer.objects.exists()


def test_cli_import(org: Any, tmp_path: Any, capsys: Any) -> None:
    from guanxi.cli import main

    path = tmp_path / "customers.csv"
    path.write_bytes(csv_bytes(GOOD + BAD, encoding="gb18030"))
    assert main(["import", "customers", str(path), "--dry-run", "--as", "rep1"]) == 1
    assert not Customer.objects.exists()
    out = capsys.readouterr()
    assert "5" in out.out and "6" in out.out
    assert main(["import", "customers", str(path), "--skip-invalid", "--as", "rep1"]) == 0
    assert Customer.objects.count() == 3
    assert (tmp_path / "customers.errors.csv").exists()
    assert main(["import", "customers", str(path), "--as", "nobody"]) == 2


class TestApiImport:
    def test_small_file_runs_at_once(self, org: Any, api_for: Any) -> None:
        client = api_for("rep1")
        upload = SimpleUploadedFile("c.csv", csv_bytes(GOOD + BAD), content_type="text/csv")
        response = client.post("/api/v1/customers/import", {"file": upload, "dry_run": "true"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == "checked" and body["counts"]["bad_rows"] == 2
        assert {e["line"] for e in body["errors"]} == {5, 6}
        assert not Customer.objects.exists()

    def test_large_file_runs_as_a_background_batch_with_a_status(
        self, org: Any, api_for: Any, settings: Any
    ) -> None:
        settings.GUANXI_IMPORT_BACKGROUND_BYTES = 10
        client = api_for("rep1")
        upload = SimpleUploadedFile("c.csv", csv_bytes(GOOD + BAD), content_type="text/csv")
        response = client.post("/api/v1/customers/import", {"file": upload, "skip_invalid": "true"})
        assert response.status_code == 202, response.content
        batch_id = response.json()["batch_id"]
        status = client.get(f"/api/v1/customers/imports/{batch_id}")
        assert status.status_code == 200
        assert status.json()["status"] == "done"
        assert status.json()["counts"]["created"] == 3
        assert Customer.objects.count() == 3
        assert api_for("rep2").get(f"/api/v1/customers/imports/{batch_id}").status_code == 404
        # Its progress is a job run the importer (and nobody else) reads.
        job_id = response.json()["job_id"]
        assert status.json()["job_id"] == job_id
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        assert job["status"] == "done" and job["batch_id"] == batch_id
        assert job["total"] == 3 and job["done"] == 3 and job["result"]["created"] == 3
        assert api_for("rep2").get(f"/api/v1/jobs/{job_id}").status_code == 404

    def test_a_background_import_whose_worker_died_is_marked_failed(
        self, org: Any, api_for: Any
    ) -> None:
        from guanxi.core import clock, jobs
        from guanxi.core.models import ImportBatch
        from guanxi.customers.tasks import IMPORT_JOB, import_key

        batch = ImportBatch.objects.create(kind="customers", status="queued")
        run = jobs.queue_run(IMPORT_JOB, import_key(batch.pk), user=org.users["rep1"], batch=batch)
        assert jobs.acquire(IMPORT_JOB, import_key(batch.pk)) is not None  # the worker dies
        with clock.frozen(clock.now() + jobs.DEFAULT_TTL * 2):
            jobs.recover_stalled_runs()
        batch.refresh_from_db()
        assert batch.status == "failed"
        job = api_for("rep1").get(f"/api/v1/jobs/{run.pk}").json()
        assert job["status"] == "failed" and job["error"]

    def test_read_only_user_is_refused(self, org: Any, api_for: Any) -> None:
        upload = SimpleUploadedFile("c.csv", csv_bytes(GOOD), content_type="text/csv")
        assert (
            api_for("analyst1").post("/api/v1/customers/import", {"file": upload}).status_code
            == 403
        )
        assert not Customer.objects.exists()
