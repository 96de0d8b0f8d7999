"""The lookup page and the chat's references and follow-ups in headless Chromium, desktop and 375 px."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from rag import config
from tests.api.test_widget_browser import _ask, _fresh, _wait_answers
from tests.support import english_on_page, serve, settings_for, sideways_scroll, stop

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = config.PROJECT_ROOT / "test-artifacts"
SIZES = {"desktop": (1280, 860), "phone": (375, 740)}


@pytest.fixture(scope="module")
def refs_server(refs_index: Path) -> Iterator[str]:
    url, srv, thread = serve(settings_for(refs_index))
    yield url
    stop(srv, thread)


def _fits_and_reads_vietnamese(driver: WebDriver) -> None:
    """No horizontal scroll (scrollWidth ≤ clientWidth) and no known English UI string."""
    assert sideways_scroll(driver) <= 0
    assert english_on_page(driver) == []


def _grant_clipboard(driver: WebDriver, origin: str) -> None:
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )


def _clipboard(driver: WebDriver) -> str:
    return driver.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], () => arguments[0](null))"
    )


@pytest.mark.parametrize("size", SIZES)
def test_lookup_search_with_filters_and_copy(refs_server: str, browser: WebDriver, size: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(*SIZES[size])
    browser.get(refs_server + "/lookup")
    wait = WebDriverWait(browser, 20)
    wait.until(lambda d: len(Select(d.find_element(By.ID, "f-type")).options) > 1)
    types = [o.text for o in Select(browser.find_element(By.ID, "f-type")).options]
    assert {"Kế hoạch", "Luật", "Nghị định"} <= set(types)
    assert "2025" in [o.text for o in Select(browser.find_element(By.ID, "f-year")).options]
    # The units endpoint answers, so the units tab is offered (it stays hidden where it is 404).
    wait.until(lambda d: d.find_element(By.ID, "tab-units").is_displayed())

    Select(browser.find_element(By.ID, "f-type")).select_by_visible_text("Kế hoạch")
    browser.find_element(By.ID, "q").send_keys("tập huấn hợp tác xã")
    browser.find_element(By.CSS_SELECTOR, "#search-form .lk-primary").click()
    first = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#results .lk-result")))
    refs = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#results .lk-ref")]
    assert all("Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh Đồng Tháp" in r for r in refs)
    assert "Nghị định" not in " ".join(refs)  # the type filter held
    _fits_and_reads_vietnamese(browser)
    browser.save_screenshot(str(ARTIFACTS / f"lookup-search-{size}.png"))

    _grant_clipboard(browser, refs_server)
    button = first.find_element(By.CSS_SELECTOR, ".lk-copy")
    button.click()
    wait.until(lambda d: button.text == "Đã sao chép")
    copied = _clipboard(browser)
    text = first.find_element(By.CSS_SELECTOR, ".lk-text").text
    reference = first.find_element(By.CSS_SELECTOR, ".lk-ref").text
    assert copied == f"{text}\n({reference})"

    # The unit filter keeps the tasks that unit leads.
    browser.find_element(By.ID, "f-unit").send_keys("Sở Nông nghiệp")
    Select(browser.find_element(By.ID, "f-type")).select_by_visible_text("Tất cả")
    browser.find_element(By.ID, "q").clear()
    browser.find_element(By.ID, "q").send_keys("vùng trồng")
    browser.find_element(By.CSS_SELECTOR, "#search-form .lk-primary").click()
    wait.until(lambda d: "mục 1 phần II" in d.find_element(By.ID, "results").text)
    assert "mục 2 phần II" not in browser.find_element(By.ID, "results").text


@pytest.mark.parametrize("size", SIZES)
def test_lookup_browses_a_documents_clause_tree(refs_server: str, browser: WebDriver, size: str) -> None:
    browser.set_window_size(*SIZES[size])
    browser.get(refs_server + "/lookup")
    wait = WebDriverWait(browser, 20)
    browser.find_element(By.ID, "tab-docs").click()
    law = wait.until(
        ec.element_to_be_clickable((By.XPATH, "//button[contains(@class,'lk-doc')][contains(., 'Luật')]"))
    )
    law.click()
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#doc-view .lk-tree")))
    # Open Chương I › Điều 3 › khoản 1, then its điểm a.
    for locator in ("Chương I", "Điều 3", "Điều 3 khoản 1"):
        summary = browser.find_element(
            By.XPATH, f"//summary[button/span[@class='lk-loc' and text()='{locator}']]"
        )
        browser.execute_script("arguments[0].parentElement.open = true", summary)
    point = browser.find_element(
        By.XPATH, "//button[.//span[@class='lk-loc' and text()='Điều 3 khoản 1 điểm a']]"
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", point)
    point.click()
    detail = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#doc-view .lk-detail")))
    assert detail.find_element(By.CSS_SELECTOR, ".lk-ref").text == (
        "điểm a khoản 1 Điều 3 Luật Giao dịch điện tử số 20/2023/QH15"
    )
    assert "truyền dẫn không dây" in detail.find_element(By.CSS_SELECTOR, ".lk-text").text
    wait.until(lambda d: "Điều 3. Giải thích từ ngữ" in detail.text)  # the breadcrumb arrives
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#doc-view .lk-loc")]
    assert "Phần đầu văn bản" in labels and "header" not in labels
    _fits_and_reads_vietnamese(browser)
    browser.save_screenshot(str(ARTIFACTS / f"lookup-tree-{size}.png"))
    _grant_clipboard(browser, refs_server)
    copy_ref = detail.find_elements(By.CSS_SELECTOR, ".lk-copy")[1]
    copy_ref.click()
    wait.until(lambda d: copy_ref.text == "Đã sao chép")
    assert _clipboard(browser) == "điểm a khoản 1 Điều 3 Luật Giao dịch điện tử số 20/2023/QH15"


def test_lookup_result_opens_in_the_tree(refs_server: str, browser: WebDriver) -> None:
    browser.set_window_size(*SIZES["desktop"])
    browser.get(refs_server + "/lookup")
    wait = WebDriverWait(browser, 20)
    browser.find_element(By.ID, "q").send_keys("khoản 2 Điều 9 Nghị định 13/2023/NĐ-CP")
    browser.find_element(By.CSS_SELECTOR, "#search-form .lk-primary").click()
    result = wait.until(
        ec.visibility_of_element_located(
            (
                By.XPATH,
                "//li[contains(@class,'lk-result')][.//p[@class='lk-ref' and starts-with(., 'khoản 2 Điều 9')]]",
            )
        )
    )
    result.find_element(By.CSS_SELECTOR, ".lk-link").click()
    detail = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#doc-view .lk-detail")))
    assert detail.find_element(By.CSS_SELECTOR, ".lk-ref").text.startswith(
        "khoản 2 Điều 9 Nghị định số 13/2023/NĐ-CP"
    )


@pytest.mark.parametrize("size", SIZES)
def test_chat_follow_up_and_reference_copy(refs_server: str, browser: WebDriver, size: str) -> None:
    browser.set_window_size(*SIZES[size])
    _fresh(browser, refs_server + "/")
    _ask(browser, "Còn nhiệm vụ 3 thì sao?")  # a fresh chat: asked back, not guessed
    clarify = _wait_answers(browser, 1)[-1].find_element(By.CSS_SELECTOR, ".pqa-answer")
    assert "pqa-clarify" in clarify.get_attribute("class")
    assert clarify.text.startswith("Bạn đang hỏi về văn bản nào?")
    _ask(browser, "Cơ quan nào chủ trì nhiệm vụ 2 của Kế hoạch 58/KH-UBND?")
    assert "Sở Công Thương" in _wait_answers(browser, 2)[-1].text
    _ask(browser, "Còn nhiệm vụ 1 thì sao?")
    answer = _wait_answers(browser, 3)[-1]
    assert "Sở Nông nghiệp và Môi trường" in answer.find_element(By.CSS_SELECTOR, ".pqa-answer").text
    understood = answer.find_element(By.CSS_SELECTOR, ".pqa-understood").text
    assert understood == "Hiểu là: Cơ quan nào chủ trì nhiệm vụ 1 của Kế hoạch 58/KH-UBND?"
    browser.save_screenshot(str(ARTIFACTS / f"chat-follow-up-{size}.png"))
    answer.find_elements(By.CSS_SELECTOR, ".pqa-chip")[0].click()
    panel = WebDriverWait(browser, 15).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, ".pqa-panel"))
    )
    # The panel opens before its reference is fetched: on a loaded machine the text comes later.
    reference = (
        WebDriverWait(browser, 15)
        .until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".pqa-panel .pqa-reference-text")))
        .text
    )
    assert reference.startswith(
        "mục 1 phần II Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh Đồng Tháp"
    )
    _grant_clipboard(browser, refs_server)
    button = panel.find_element(By.CSS_SELECTOR, ".pqa-copy-ref")
    button.click()
    WebDriverWait(browser, 5).until(lambda d: button.text == "Đã sao chép")
    assert _clipboard(browser) == reference
    _fits_and_reads_vietnamese(browser)
    browser.save_screenshot(str(ARTIFACTS / f"chat-reference-{size}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_lookup_shows_a_units_tasks_table(refs_server: str, browser: WebDriver, size: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(*SIZES[size])
    browser.get(refs_server + "/lookup")
    wait = WebDriverWait(browser, 20)
    tab = wait.until(ec.element_to_be_clickable((By.ID, "tab-units")))
    tab.click()
    wait.until(lambda d: len(Select(d.find_element(By.ID, "unit-select")).options) > 1)
    select = Select(browser.find_element(By.ID, "unit-select"))
    # Units by name, apart from names of many bodies at once ("Các sở, ngành").
    groups = {
        g.get_attribute("label"): [o.text for o in g.find_elements(By.TAG_NAME, "option")]
        for g in browser.find_elements(By.CSS_SELECTOR, "#unit-select optgroup")
    }
    assert any(name.startswith("Sở Nông nghiệp") for name in groups["Đơn vị"])
    assert not any(name.startswith("Các ") for name in groups["Đơn vị"])
    assert browser.find_element(By.ID, "unit-select").rect["width"] <= SIZES[size][0]
    unit = next(o.text for o in select.options if o.text.startswith("Sở Nông nghiệp"))
    select.select_by_visible_text(unit)
    table = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#unit-tasks table")))
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    # The document is named once, above its tasks, not in every row.
    heading = browser.find_element(By.CSS_SELECTOR, "#unit-tasks .lk-task-doc")
    assert heading.text.startswith("Kế hoạch số 58/KH-UBND") and heading.rect["height"] < 80
    assert rows and not any("Kế hoạch số 58/KH-UBND" in r.text for r in rows)
    assert any("Chủ trì" in r.text for r in rows)
    _fits_and_reads_vietnamese(browser)
    browser.save_screenshot(str(ARTIFACTS / f"lookup-units-{size}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_lookup_clause_detail_shows_the_tasks_fields(refs_server: str, browser: WebDriver, size: str) -> None:
    browser.set_window_size(*SIZES[size])
    browser.get(refs_server + "/lookup")
    wait = WebDriverWait(browser, 20)
    browser.find_element(By.ID, "tab-docs").click()
    plan = wait.until(
        ec.element_to_be_clickable(
            (By.XPATH, "//button[contains(@class,'lk-doc')][contains(., '58/KH-UBND')]")
        )
    )
    plan.click()
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#doc-view .lk-tree")))
    summary = browser.find_element(By.XPATH, "//summary[button/span[@class='lk-loc' and text()='II']]")
    browser.execute_script("arguments[0].parentElement.open = true", summary)
    task = browser.find_element(By.XPATH, "//button[.//span[@class='lk-loc' and text()='II.1']]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", task)
    task.click()
    detail = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#doc-view .lk-detail")))
    fields = dict(
        zip(
            [e.text for e in detail.find_elements(By.CSS_SELECTOR, ".lk-fields dt")],
            [e.text for e in detail.find_elements(By.CSS_SELECTOR, ".lk-fields dd")],
            strict=True,
        )
    )
    assert fields["Đơn vị chủ trì"].startswith("Sở Nông nghiệp và Môi trường")
    assert fields["Thời hạn"].startswith("Quý II/2026")
    assert "10/10/2025" in browser.find_element(By.CSS_SELECTOR, "#doc-view .lk-muted").text  # dd/mm/yyyy
    _fits_and_reads_vietnamese(browser)
    browser.save_screenshot(str(ARTIFACTS / f"lookup-fields-{size}.png"))


def test_chat_shows_the_servers_refusal_in_vietnamese(refs_index: Path, browser: WebDriver) -> None:
    url, srv, thread = serve(settings_for(refs_index, rate_limit_per_minute=1))
    try:
        browser.set_window_size(*SIZES["phone"])
        _fresh(browser, url + "/")
        _ask(browser, "Cơ quan nào chủ trì nhiệm vụ 2 của Kế hoạch 58/KH-UBND?")
        _wait_answers(browser, 1)
        _ask(browser, "Còn nhiệm vụ 1 thì sao?")
        refused = _wait_answers(browser, 2)[-1]
        assert "pqa-msg-error" in refused.get_attribute("class")
        assert refused.text.startswith("Bạn đã hỏi quá nhiều: tối đa 1 câu hỏi mỗi phút; hãy thử lại sau")
        _fits_and_reads_vietnamese(browser)
        browser.save_screenshot(str(ARTIFACTS / "chat-refused-phone.png"))
    finally:
        stop(srv, thread)
