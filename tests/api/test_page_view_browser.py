"""'Xem trang gốc' in headless Chromium at 1280 and 375 px: the chat panel and /lookup open a cited
clause's PDF page with its words highlighted, for a digital (e-signed) PDF and for a scan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from rag import config, ocr
from tests.api.test_widget_browser import _ask, _fresh, _wait_answers
from tests.rag.pdf_builders import FONT, esigned_pdf, stamped_scan_pdf
from tests.support import ADMIN, serve, settings_for, stop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.ocr,
    pytest.mark.skipif(not FONT.exists(), reason="DejaVu font not installed"),
    pytest.mark.skipif(not ocr.ocr_available(), reason="tesseract with Vietnamese data not installed"),
]

ARTIFACTS = config.PROJECT_ROOT / "test-artifacts"
SIZES = {"desktop": (1280, 860), "phone": (375, 740)}
# (file builder, question whose first citation is the file's clause, document label)
CASES = {
    "digital": (esigned_pdf, "Hoàn thành cơ sở dữ liệu đất đai trước ngày nào?", "Kế hoạch số 58/KH-UBND"),
    "scan": (
        stamped_scan_pdf,
        "Công an các tỉnh gửi kết quả rà soát cai nghiện trước ngày nào?",
        "4552/BCA-C04",
    ),
}


@pytest.fixture(scope="module")
def pdf_server(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A copy of the corpus index with a digital PDF and a scan uploaded (public)."""
    import shutil

    work = tmp_path_factory.mktemp("page-view")
    index = work / "idx"
    shutil.copytree(corpus_index, index)
    url, srv, thread = serve(settings_for(index))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ocr.ENV_CACHE, str(work / "ocr-cache"))
        for name, (build, _, _) in CASES.items():
            pdf = build(work / f"{name}.pdf")
            response = httpx.post(
                f"{url}/api/documents",
                files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")},
                data={"access": "public"},
                headers=ADMIN,
                timeout=600,
            )
            assert response.status_code == 201, response.text
        yield url  # the page view reads the scan's word boxes from the same OCR cache
    stop(srv, thread)


def _page_image_loaded(driver: WebDriver, scope: str) -> object:
    """Wait until the page view under ``scope`` shows a decoded image; return it."""

    def loaded(d: WebDriver) -> object:
        images = d.find_elements(By.CSS_SELECTOR, f"{scope} .pqa-pageview-img")
        ok = [
            i
            for i in images
            if d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", i)
        ]
        return ok[0] if ok else False

    return WebDriverWait(driver, 120).until(loaded)


def _no_sideways_scroll(driver: WebDriver) -> None:
    width = driver.execute_script("return document.documentElement.clientWidth")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", CASES)
def test_chat_opens_the_cited_page(pdf_server: str, browser: WebDriver, size: str, case: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(*SIZES[size])
    _, question, label = CASES[case]
    _fresh(browser, pdf_server + "/")
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".pqa-input")))
    _ask(browser, question)
    answer = _wait_answers(browser, 1)[-1]
    chips = answer.find_elements(By.CSS_SELECTOR, ".pqa-chip")
    chip = next(c for c in chips if label in c.text)
    chip.click()
    button = WebDriverWait(browser, 20).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, ".pqa-panel .pqa-pageview-open"))
    )
    assert button.text == "Xem trang gốc"
    button.click()
    image = _page_image_loaded(browser, ".pqa-panel")
    assert button.text == "Ẩn trang gốc" and button.get_attribute("aria-expanded") == "true"
    assert "phần được trích dẫn tô vàng" in image.get_attribute("alt")
    rendered = browser.execute_script("return arguments[0].getBoundingClientRect().width", image)
    panel = browser.execute_script(
        "return document.querySelector('.pqa-panel').getBoundingClientRect().width"
    )
    assert 0 < rendered <= panel  # scaled to the panel, even at 375 px
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", image)
    _no_sideways_scroll(browser)
    browser.save_screenshot(str(ARTIFACTS / f"page-view-chat-{case}-{size}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_lookup_opens_a_scanned_clause_page(pdf_server: str, browser: WebDriver, size: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(*SIZES[size])
    browser.get(pdf_server + "/lookup")
    browser.find_element(By.ID, "tab-docs").click()
    doc = WebDriverWait(browser, 20).until(
        lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, ".lk-doc") if "4552" in b.text), False)
    )
    doc.click()
    node = WebDriverWait(browser, 20).until(
        lambda d: next(
            (n for n in d.find_elements(By.CSS_SELECTOR, ".lk-node") if "rà soát trước ngày" in n.text), False
        )
    )
    node.click()
    button = WebDriverWait(browser, 20).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, ".lk-pageview-open"))
    )
    assert button.text == "Xem trang gốc"
    button.click()
    image = _page_image_loaded(browser, ".lk-detail")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", image)
    _no_sideways_scroll(browser)
    browser.save_screenshot(str(ARTIFACTS / f"page-view-lookup-scan-{size}.png"))
