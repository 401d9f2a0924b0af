"""The upload form's check of a file before sending it says what the server says of the same file when it is
sent anyway (refused on upload, or failed when scored), at desktop and phone widths."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
SUBMISSION = "id,target\n1,100\n2,120\n"
BAD_FILES = {
    "binary": ("model.csv", b"PK\x03\x04\x00\x00not text"),
    "semicolons": ("semicolons.csv", SUBMISSION.replace(",", ";").encode()),
    "tabs": ("tabs.csv", SUBMISSION.replace(",", "\t").encode()),
    "wrong-header": ("wrong.csv", SUBMISSION.replace("target", "prediction").encode()),
}


def servers_message(page, name: str, data: bytes) -> str:
    """What the server answers when the file is uploaded with the check skipped: its refusal, or the error
    scoring gives it."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        "/api/v1/competitions/diabetes/submissions/",
        multipart={"file": {"name": name, "mimeType": "text/csv", "buffer": data}},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    body = response.json()
    if response.status == 400:
        return body["message"]
    assert response.status == 202, body
    url = f"/api/v1/submissions/{body['id']}/"
    page.reload()  # the page follows the new row until it is scored
    row = page.locator(f"#submissions-table tr[data-id='{body['id']}']")
    expect(row.locator(".status")).to_have_text("failed", timeout=60_000)
    return page.request.get(url).json()["error"]["message"]


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_browser_says_what_the_server_says_of_a_bad_file(browser, site, tmp_path, device):
    viewport = {"width": 1280, "height": 900} if device == "desktop" else {"width": 390, "height": 844}
    context = browser.new_context(base_url=site.url, viewport=viewport, is_mobile=device == "phone")
    context.set_default_timeout(20_000)
    page = context.new_page()
    log_in(page, "demo")
    page.goto("/competitions/diabetes/rules/")
    accept = page.get_by_role("button", name=re.compile("I accept the rules"))
    if accept.count():
        accept.click()
    page.goto("/competitions/diabetes/submissions/")
    rows = page.locator("#submissions-table tbody tr[data-id]").count()
    shown = {}
    for kind, (name, data) in BAD_FILES.items():
        path = tmp_path / name
        path.write_bytes(data)
        page.get_by_label("Prediction CSV").set_input_files(str(path))
        page.get_by_role("button", name="Submit").click()
        status = page.locator("#upload-status.upload-error")
        expect(status).to_contain_text(name if kind == "binary" else "Your file")
        shown[kind] = status.inner_text()
        screenshot(page, f"{device}-upload-check-{kind}")
    expect(page.locator("#submissions-table tbody tr[data-id]")).to_have_count(rows)  # nothing was sent

    for kind, (name, data) in BAD_FILES.items():
        assert shown[kind] == servers_message(page, name, data), kind
    assert "a binary file, not a CSV text file" in shown["binary"]
    assert "separated by semicolons" in shown["semicolons"]
    assert "separated by tabs" in shown["tabs"]
    context.close()
