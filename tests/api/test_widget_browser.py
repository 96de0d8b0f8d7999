"""The real chat widget in headless Chromium against uvicorn serving a real index of corpus/."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from rag import config
from tests.support import english_on_page, sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = config.PROJECT_ROOT / "test-artifacts"
QUESTION = "Đơn vị nào thực hiện nhiệm vụ 4 trong kế hoạch của UBND tỉnh?"


def _fresh(driver: WebDriver, url: str) -> None:
    """Open ``url`` with an empty conversation."""
    driver.get(url)
    driver.execute_script("sessionStorage.clear()")
    driver.refresh()


def _ask(driver: WebDriver, question: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, ".pqa-input")
    box.clear()
    box.send_keys(question)
    box.send_keys(Keys.ENTER)


def _wait_answers(driver: WebDriver, count: int) -> list:
    def done(d: WebDriver) -> list | bool:
        answers = d.find_elements(By.CSS_SELECTOR, ".pqa-msg-bot")
        finished = [a for a in answers if not a.find_elements(By.CSS_SELECTOR, ".pqa-pending")]
        return finished if len(finished) >= count else False

    return WebDriverWait(driver, 60).until(done)


def test_full_page_chat_cites_and_opens_the_clause(server: str, browser: WebDriver) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(1280, 860)
    _fresh(browser, server + "/")
    input_box = WebDriverWait(browser, 10).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".pqa-input"))
    )
    assert input_box.get_attribute("placeholder") == "Đặt câu hỏi về văn bản…"
    assert browser.find_element(By.CSS_SELECTOR, ".pqa-send").text == "Gửi"
    lookup = browser.find_element(By.CSS_SELECTOR, ".pqa-header a.pqa-lookup-link")
    assert lookup.text == "Tra cứu văn bản" and lookup.get_attribute("href") == server + "/lookup"

    _ask(browser, QUESTION)
    answer = _wait_answers(browser, 1)[-1]
    assert "Sở Khoa học và Công nghệ" in answer.find_element(By.CSS_SELECTOR, ".pqa-answer").text
    assert answer.find_element(By.CSS_SELECTOR, ".pqa-sources h2").text.lower() == "nguồn trích dẫn"
    chips = answer.find_elements(By.CSS_SELECTOR, ".pqa-chip")
    assert chips and chips[0].text.startswith("[1]")
    copy = answer.find_element(By.CSS_SELECTOR, ".pqa-copy")
    assert copy.text == "Sao chép câu trả lời"
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": server, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    copy.click()
    WebDriverWait(browser, 5).until(lambda d: copy.text == "Đã sao chép")
    copied = browser.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], () => arguments[0](null))"
    )
    assert copied.startswith(answer.find_element(By.CSS_SELECTOR, ".pqa-answer").text)
    assert "Nguồn trích dẫn:" in copied and "[1] " in copied

    chips[0].click()
    cited = WebDriverWait(browser, 15).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, ".pqa-panel .pqa-clause-cited"))
    )
    panel = browser.find_element(By.CSS_SELECTOR, ".pqa-panel")
    assert cited.get_attribute("aria-current") == "true"
    assert panel.find_element(By.CSS_SELECTOR, "h2").text  # document label
    chip_label = chips[0].find_element(By.CSS_SELECTOR, ".pqa-chip-label").text
    # The chip leads with the clause's formal reference, the panel names its place the same way.
    place = cited.find_element(By.CSS_SELECTOR, ".pqa-clause-loc").text.split(" · ")[0]
    assert chip_label.lower().startswith(place.lower()) and "Kế hoạch" in chip_label
    assert not re.match(r"[IVX]+\.\d", chip_label)  # not the parser's locator ("II.4")
    assert len(panel.find_elements(By.CSS_SELECTOR, ".pqa-clause")) > 1  # shown among its neighbours
    # The document's lineage: what it is based on or implements (the plan implements Nghị quyết 57).
    heads = WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".pqa-panel .pqa-lineage-head")
    )
    assert "Căn cứ" in [h.text for h in heads]
    assert "57" in panel.find_element(By.CSS_SELECTOR, ".pqa-lineage").text
    browser.save_screenshot(str(ARTIFACTS / "widget.png"))

    # Esc closes the panel and gives focus back to the chip that opened it.
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 5).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, ".pqa-panel")))
    assert "pqa-chip" in browser.switch_to.active_element.get_attribute("class")

    # The conversation survives a reload (sessionStorage).
    browser.refresh()
    WebDriverWait(browser, 10).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".pqa-msg-bot .pqa-chip"))
    )
    assert browser.find_element(By.CSS_SELECTOR, ".pqa-msg-user").text == QUESTION


def test_question_text_is_never_markup(server: str, browser: WebDriver) -> None:
    _fresh(browser, server + "/")
    payload = '<img src=x onerror="window.__pwned=1">Kế hoạch <b>số</b> 58?'
    _ask(browser, payload)
    _wait_answers(browser, 1)
    users = browser.find_elements(By.CSS_SELECTOR, ".pqa-msg-user")
    assert users[-1].text == payload
    assert not browser.find_elements(By.CSS_SELECTOR, ".pqa-log img, .pqa-log b")
    assert browser.execute_script("return window.__pwned === undefined")


def test_abstention_is_shown_as_such(server: str, browser: WebDriver) -> None:
    _fresh(browser, server + "/")
    _ask(browser, "Giá vé máy bay từ Hà Nội đi Paris tháng sau là bao nhiêu?")
    answer = _wait_answers(browser, 1)[-1]
    text = answer.find_element(By.CSS_SELECTOR, ".pqa-answer")
    assert "pqa-abstain" in text.get_attribute("class")
    assert "Không tìm thấy thông tin này trong các văn bản" in text.text


def test_phone_width(server: str, browser: WebDriver) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(375, 740)
    _fresh(browser, server + "/")
    _ask(browser, QUESTION)
    answer = _wait_answers(browser, 1)[-1]
    assert sideways_scroll(browser) <= 0 and english_on_page(browser) == []
    browser.save_screenshot(str(ARTIFACTS / "widget-phone.png"))
    answer.find_elements(By.CSS_SELECTOR, ".pqa-chip")[0].click()
    WebDriverWait(browser, 15).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, ".pqa-panel .pqa-clause-cited"))
    )
    width = browser.execute_script("return document.documentElement.clientWidth")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    panel = browser.find_element(By.CSS_SELECTOR, ".pqa-panel")
    assert panel.rect["width"] <= width
    assert sideways_scroll(browser) <= 0 and english_on_page(browser) == []
    browser.save_screenshot(str(ARTIFACTS / "widget-phone-panel.png"))
    browser.set_window_size(1280, 860)


def test_embedded_widget_bubble(server: str, browser: WebDriver) -> None:
    _fresh(browser, server + "/static/demo.html")
    bubble = WebDriverWait(browser, 10).until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".pqa-bubble")))
    assert bubble.get_attribute("aria-expanded") == "false"
    bubble.click()
    WebDriverWait(browser, 5).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, ".pqa-float .pqa-input"))
    )
    assert "pqa-input" in browser.switch_to.active_element.get_attribute("class")  # focus moved in
    _ask(browser, QUESTION)
    answer = _wait_answers(browser, 1)[-1]
    assert answer.find_elements(By.CSS_SELECTOR, ".pqa-chip")
    browser.save_screenshot(str(ARTIFACTS / "widget-embedded.png"))
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 5).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, ".pqa-float")))
    assert browser.find_element(By.CSS_SELECTOR, ".pqa-bubble").get_attribute("aria-expanded") == "false"
