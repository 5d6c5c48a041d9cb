"""The web page in a real browser: Debian's chromium driven by selenium against the HTTP server.

`make test` installs chromium and chromium-driver first (`make browser`); the tests are
skipped, with the reason, only where those binaries are absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOT = ROOT / "build" / "web-page.png"
# An emoji (two UTF-16 code units) before the names, a clitic-glued name (والمغرب → المغرب),
# an ambiguous one with runners-up (الرباط), a two-word person, and a flag (four code units).
TEXT = (
    "😀 وصل الوفد الإسرائيلي إلى الرباط والمغرب يستعد للقاء.\nوقال بني غانتس 🇲🇦 في الرباط إن المغرب شريك، بحسب رويترز."
)

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason=f"no {CHROMIUM} and {CHROMEDRIVER}: `make browser` installs Debian's chromium and chromium-driver",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1100",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _wait(driver: Any, script: str, timeout: float = 20) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))


def _link_in_page(driver: Any, text: str) -> None:
    driver.execute_script(
        "const box = document.getElementById('text'); box.value = arguments[0];"
        "document.getElementById('output').dataset.state = 'stale';"
        "document.getElementById('link-button').click();",
        text,
    )
    _wait(driver, "return document.getElementById('output').dataset.state === 'done'")


def _highlights(driver: Any) -> list[dict[str, Any]]:
    """Each highlight's text and its UTF-16 offset in the rendered text, read from the DOM."""
    return driver.execute_script(  # type: ignore[no-any-return]
        "let at = 0; const found = [];"
        "for (const node of document.getElementById('output').childNodes) {"
        "  if (node.nodeName === 'MARK') found.push({start: at, text: node.textContent, qid: node.dataset.qid,"
        "                                          cls: node.className});"
        "  at += node.textContent.length;"
        "}"
        "return found;"
    )


def _api_link(http_url: str, text: str, candidates: int = 3) -> dict[str, Any]:
    body = {"text": text, "maxCandidates": candidates, "offsetEncoding": "OFFSET_ENCODING_UTF16_CODE_UNITS"}
    answer: dict[str, Any] = httpx.post(f"{http_url}/v1/link", json=body, timeout=30).json()
    return answer


def test_highlights_cover_exactly_the_returned_spans(browser: Any, http_url: str) -> None:
    browser.get(http_url + "/")
    _link_in_page(browser, TEXT)
    expected = _api_link(http_url, TEXT)
    marks = _highlights(browser)
    assert len(marks) == len(expected["mentions"]) >= 6
    for mark, mention in zip(marks, expected["mentions"], strict=True):
        assert mark["text"] == mention["surface"]
        assert mark["start"] == mention["start"]  # UTF-16 offsets: the emoji and the flag before them count
        assert mark["qid"] == mention["entity"]["qid"]
        kind = mention["entity"]["type"].removeprefix("ENTITY_TYPE_").lower()
        assert f"type-{kind}" in mark["cls"]
    assert browser.execute_script("return document.getElementById('output').textContent") == TEXT
    surfaces = [m["text"] for m in marks]
    assert "المغرب" in surfaces and "والمغرب" not in surfaces  # the clitic stays outside the highlight
    entities = browser.execute_script(
        "return [...document.querySelectorAll('#entities li')].map(li => [li.dataset.qid, li.textContent])"
    )
    assert [qid for qid, _ in entities] == [e["entity"]["qid"] for e in expected["entities"]]
    for (_, row), item in zip(entities, expected["entities"], strict=True):
        assert f"× {item['mentionCount']}" in row


def test_focus_opens_the_card_and_keyboard_reaches_wikidata(browser: Any, http_url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(http_url + "/")
    _link_in_page(browser, TEXT)
    card = browser.find_element(By.ID, "card")
    rabat = browser.find_element(By.CSS_SELECTOR, "#output mark[data-qid='Q3551']")
    marks = browser.find_elements(By.CSS_SELECTOR, "#output mark")
    browser.execute_script("arguments[0].focus()", marks[0])
    assert card.is_displayed()
    for _ in range(marks.index(rabat)):
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element == rabat
    assert card.is_displayed()
    assert "Rabat" in card.text and "الرباط" in card.text and "capital of Morocco" in card.text
    link = card.find_element(By.CSS_SELECTOR, "a")
    assert link.get_attribute("href") == "https://www.wikidata.org/wiki/Q3551"
    runners_up = card.find_elements(By.CSS_SELECTOR, ".runners-up li")
    assert runners_up and "Q44381" in runners_up[0].text  # Rabat in Malta
    assert "Score" in card.text and "null" not in card.text and "undefined" not in card.text
    SCREENSHOT.parent.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))
    rabat.send_keys(Keys.ENTER)  # into the card: its first link, the QID
    focused = browser.switch_to.active_element
    assert focused.get_attribute("href") == "https://www.wikidata.org/wiki/Q3551"
    focused.send_keys(Keys.ESCAPE)
    assert not card.is_displayed()
    assert browser.switch_to.active_element == rabat


def test_hover_shows_unverified_qids(browser: Any, http_url: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.get(http_url + "/")
    _link_in_page(browser, TEXT)
    gantz = browser.find_element(By.CSS_SELECTOR, "#output mark[data-qid='Q1426396']")
    ActionChains(browser).move_to_element(gantz).perform()
    card = browser.find_element(By.ID, "card")
    _wait(browser, "return !document.getElementById('card').hidden")
    assert "Benny Gantz" in card.text and "QID unverified" in card.text


def test_dropped_file_is_linked(browser: Any, http_url: str) -> None:
    browser.get(http_url + "/")
    browser.execute_script(
        "const data = new DataTransfer();"
        "data.items.add(new File([arguments[0]], 'news.txt', {type: 'text/plain'}));"
        "document.getElementById('text').dispatchEvent("
        "  new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));",
        "زار الوزير فيينا",
    )
    _wait(browser, "return document.getElementById('output').dataset.state === 'done'")
    assert [m["text"] for m in _highlights(browser)] == ["فيينا"]


def test_resolve_box(browser: Any, http_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(http_url + "/")
    browser.find_element(By.ID, "resolve-name").send_keys("طرابلس")
    browser.find_element(By.ID, "resolve-context").send_keys("اشتباكات في العاصمة الليبية")
    browser.find_element(By.CSS_SELECTOR, "#resolve-form button").click()
    _wait(browser, "return document.getElementById('resolve-results').dataset.state === 'done'")
    rows = browser.find_elements(By.CSS_SELECTOR, "#resolve-results li")
    assert rows[0].get_attribute("data-qid") == "Q3579" and "Tripoli" in rows[0].text
    assert rows[1].get_attribute("data-qid") == "Q168954"  # the Lebanese Tripoli is the runner-up


def test_errors_are_shown(browser: Any, http_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(http_url + "/")
    browser.execute_script("document.getElementById('candidates').value = '3';")
    browser.execute_script(
        "document.getElementById('text').value = 'x'.repeat(1024 * 1024 + 1);"
        "document.getElementById('link-button').click();"
    )
    _wait(browser, "return document.getElementById('output').dataset.state === 'error'")
    message = browser.find_element(By.ID, "message").text
    assert "INVALID_ARGUMENT" in message and "limit" in message
