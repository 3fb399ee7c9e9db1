"""In Chromium, every page each role can open, in bokmål: what only the browser draws
(placeholders, Streamlit's own widget words) is in bokmål, and no request leaves the server's host."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from words_on_screen import STREAMLIT_ENGLISH

from conftest import each_page, run_over, sign_in

ACCOUNTS = {"staff": "vern-demo-ansatt", "adviser": "vern-demo-personvern", "board": "vern-demo-styret",
            "admin": "vern-demo-drift"}


def drawn_words(page) -> str:
    """The page's visible text and the placeholders and labels the browser draws in its widgets."""
    widgets = page.eval_on_selector_all(
        "input, textarea, [aria-label], [data-baseweb=select] [aria-hidden], [data-testid=stFileUploader]",
        "nodes => nodes.map(n => [n.placeholder || '', n.getAttribute('aria-label') || '',"
        " n.getAttribute('aria-hidden') ? n.innerText : ''].join(' '))")
    return page.inner_text("body") + "\n" + "\n".join(widgets)


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_in_bokmal_with_no_outside_request(shared_demo_server, page, role):
    host = urlsplit(shared_demo_server).hostname
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if urlsplit(request.url).hostname not in (host, None) and not request.url.startswith("data:") else None)
    sign_in(page, shared_demo_server, role, ACCOUNTS[role])
    links = page.get_by_test_id("stSidebar").get_by_role("link")
    expect(links.first).to_be_visible()
    run_over(page)  # the sidebar whole before its links are read
    names = [text.split("\n")[-1] for text in links.all_inner_texts()]  # after the icon
    english = {}
    for number in each_page(page, [links.nth(number) for number in range(len(names))]):
        name = names[number]
        words = drawn_words(page)
        english[name] = [default for default in STREAMLIT_ENGLISH if default in words]
        if "None" in words.split():
            english[name].append("None")
    assert {name: found for name, found in english.items() if found} == {}
    assert outside == []
