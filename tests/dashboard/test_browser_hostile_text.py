"""People's words are text, never markup (issue 15, item 2): on every page, for every role.

One database, the demo with a hostile string in every field a person or an import can
fill (tests/hostile_data.py); one `vern serve`; one Chromium. Each role signs in as an
account whose name is itself an autolink, opens every page it may, each tab and expander,
and picks the hostile items. A page fails on any link, emphasis, heading, image, code,
formula, icon or colour made from a planted string — save the few elements the page's
design has (a breach's title as its heading), which must then show the string as typed —
and each planted string the page shows as text must be in it verbatim (the canvas-drawn
tables excepted: they cannot render markup).
"""

import contextlib
import re
from typing import NamedTuple

import hostile_data
import pytest
from hostile_data import HOSTS, MARKERS, PASSWORD, PLANTED, USERS
from playwright.sync_api import expect

from conftest import FIXED_NOW, after_rerun, drawn, each_page, new_tab, serving, sign_in

WORD_JOINER = "\u2060"  # what plain() adds to break autolinks

# The markup a planted string could become. A link is caught wherever it is.
SCAN = """([markers, hosts, planted, designed]) => {
  const found = (text) => markers.filter((m) => text.includes(m));
  const where = (el) => {
    const box = el.closest('[data-testid]');
    return el.tagName.toLowerCase() + (box ? ' in ' + box.getAttribute('data-testid') : '');
  };
  const asTyped = (text, marks) => {  // every marked string in it whole, as typed
    const shown = text.replace(/\\u2060/g, '');
    return marks.every((m) => planted.some((p) => p.includes(m) && shown.includes(p)));
  };
  const problems = [];
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
    if (found(href + ' ' + a.textContent).length || hosts.some((h) => href.includes(h))) {
      problems.push(`link (${where(a)}): "${a.textContent.trim()}" -> ${href}`);
    }
  }
  const markup = 'strong, b, em, i, del, s, u, small, mark, sub, sup, h1, h2, h3, h4, h5, h6, img, code, pre, '
    + 'blockquote, li, hr, .katex, tspan[style*="font-weight:bold"], tspan[style*="font-style:italic"]';
  for (const el of document.querySelectorAll(markup)) {
    const text = el.textContent + ' ' + (el.getAttribute('alt') || '') + ' ' + (el.getAttribute('src') || '');
    const marks = found(text);
    if (!marks.length) continue;
    const tag = el.tagName.toLowerCase();
    if (designed.includes(tag) && asTyped(el.textContent, marks)) continue;
    problems.push(`${where(el)}: "${text.trim()}"`);
  }
  // Icons and colours sit beside the words they were made from, in the same Markdown.
  const drawn = '[data-testid=stIconMaterial], [data-testid=stIconEmoji], [class*=stMarkdownColored], '
    + '[class*=stMarkdownBadge]';
  for (const el of document.querySelectorAll(drawn)) {
    const markdown = el.closest('[data-testid=stMarkdownContainer]');
    if (markdown && found(markdown.textContent).length) {
      problems.push(`${el.className || el.getAttribute('data-testid')} (${where(el)}) in "${markdown.textContent}"`);
    }
  }
  // The text a reader sees: canvas-drawn tables have none to read; Plotly's labels are SVG.
  const grids = [...document.querySelectorAll('[data-testid=stDataFrame], [data-testid=stDataEditor]')];
  grids.forEach((g) => { g.style.display = 'none'; });
  const text = document.body.innerText;
  grids.forEach((g) => { g.style.display = ''; });
  const charts = [...document.querySelectorAll('.js-plotly-plot text')].map((t) => t.textContent);
  return {problems, text, charts};
}"""


def pick(label: str, typed: str, option: str = ""):
    """A step: choose in the picker `label` the option that holds `typed` (and `option`)."""
    def step(page):
        page.get_by_role("combobox", name=label, exact=True).click()
        page.keyboard.type(typed)
        choice = page.get_by_role("option").filter(has_text=typed).filter(has_text=option).first
        if choice.get_attribute("aria-selected") == "true":  # chosen already: no rerun
            choice.click()
        else:
            with after_rerun(page):
                choice.click()
    return step


def look_into(label: str, typed: str):
    """A step: open the list of picker `label`, filtered to `typed`; the scan reads it open."""
    def step(page):
        page.get_by_role("combobox", name=label, exact=True).click()
        page.keyboard.type(typed)
        page.get_by_role("option").filter(has_text=typed).first.wait_for()
    return step


def press(button: str, fill: dict[str, str] | None = None):
    """A step: fill in the fields by label, then press the button (a form sent)."""
    def step(page):
        for label, value in (fill or {}).items():
            page.get_by_label(label, exact=True).fill(value)
        with after_rerun(page):
            page.get_by_role("button", name=button, exact=True).click()
    return step


def toggle(label: str):
    def step(page):
        with after_rerun(page):
            page.get_by_text(label, exact=True).click()
    return step


def open_expanders(page) -> None:
    """Every expander in view opened (a click on an open one would close it). The one above
    may still be growing open when the next is clicked, moving it under the pointer: a click
    that opened nothing is tried again (a few times; then the expectation fails as before)."""
    for summary in page.get_by_test_id("stExpander").locator("summary").all():
        details = summary.locator("xpath=..")
        if not summary.is_visible():
            continue
        for _ in range(3):
            if details.get_attribute("open") is not None:
                break
            summary.click()
            with contextlib.suppress(AssertionError):  # not open yet: looked at again above
                expect(details).to_have_attribute("open", "", timeout=2_000)
        expect(details).to_have_attribute("open", "")


def marker(field: str) -> str:
    return re.search(r"qz\d\d", PLANTED[field]).group()


class Look(NamedTuple):
    """Steps (picks, toggles) and then what the page shows of the planted strings: as
    text, and as a chart's labels."""
    steps: list = []
    text: list[str] = []
    charts: list[str] = []


class Page(NamedTuple):
    looks: list[Look] = [Look()]
    designed: tuple[str, ...] = ()  # elements the page's design gives people's words


# Every page each role may open, and what it shows of the planted strings, read from the
# pages' design: a breach's facts, a request's details, a finding's message, chart labels.
REPORT = Page([Look([look_into("Var en leverandør involvert?", marker("processor_name"))], ["processor_name"])])
HOME = Page(designed=("h1",))  # "Hei, <username>"


def adviser_pages(numbers: dict[str, int]) -> dict[str, Page]:
    return {
        "overview": Page([Look(text=["failed_file"])]),
        "board": Page(),
        "breaches": Page([
            Look([pick("Velg avvik", f"#{numbers['breach']} ·")],
                 ["breach_title", "processor_name", "breach_description", "breach_consequences", "breach_measures",
                  "breach_reference"]),
            Look([pick("Velg avvik", f"#{numbers['breach2']} ·")],
                 ["breach2_title", "breach2_controller", "breach2_reference", "breach2_summary"])],
            designed=("h3",)),  # the title
        "report": REPORT,
        "mine": Page(),
        "requests": Page([
            Look([pick("Velg henvendelse", f"#{numbers['request']} ·")],
                 ["request_requester", "request_channel", "request_verified_how", "request_extension_reason",
                  "system_name", "activity_name"]),
            Look([toggle("Bare åpne"), pick("Velg henvendelse", f"#{numbers['request2']} ·")],
                 ["request2_requester", "request2_refusal_ground"])],
            designed=("strong",)),  # the system of an erasure task
        "home": HOME,
        "review": Page([Look([look_into("Saker", marker("processor_name"))], ["processor_name"])]),
        "findings": Page([
            Look([pick("Velg et funn", marker("processor_service"), "signert")],
                 ["processor_name", "processor_service", "finding_reason"]),
            Look([pick("Velg et funn", marker("campaign"))], ["campaign", "consent_purpose"]),
            Look([pick("Velg et funn", marker("retention_category_without_rule"))],
                 ["system_name", "retention_category_without_rule"]),
            Look([pick("Velg et funn", marker("course"))], ["course"])]),
        "access": Page([Look([pick("Velg et funn", marker("system_name"), "uten registrert tilgang")],
                             ["system_name"], charts=["system_name"])]),
        "training": Page([Look(charts=["person_district"])]),
        "activities": Page([Look([pick("Aktivitet", marker("activity_name")), press("Lagre aktiviteten")],
                                 ["activity_name", "activity_adjust_reason", "processor_name", "system_name"])],
                           designed=("strong",)),  # the activity's name
        "retention": Page([Look([pick("System", marker("system_name")),
                                 press("Registrer slettingen", {"Dokumentasjon (logg, sak, skjermbilde)": "Sak 4711"})],
                                ["system_name"], charts=["system_name", "retention_category"])]),
        "consent": Page([Look(charts=["campaign", "consent_purpose"])]),
        "processors": Page(),
        "sources": Page(),
        "checks": Page(),
        "pseudonyms": Page(),
        "trail": Page(),
        "audit": Page(),
    }


STAFF_PAGES = {
    "report": REPORT,
    "mine": Page([Look(text=["breach_title", "processor_name", "breach_description", "breach_consequences",
                             "breach_measures", "breach2_title", "breach2_controller"])]),
    "requests": Page(),
    "home": HOME,
}


BOARD_PAGES = {
    "overview": Page(),
    "board": Page(),
    "report": REPORT,
    "mine": Page(),
    "requests": Page(),
    "training": Page([Look(charts=["person_district"])]),
    "activities": Page(),
    "retention": Page([Look(charts=["system_name"])]),
    "consent": Page([Look(charts=["campaign", "consent_purpose"])]),
    "home": HOME,
}


ADMIN_PAGES = {
    "overview": Page([Look(text=["failed_file"])]),
    "sources": Page(),
    "checks": Page(),
    "trail": Page(),
    "audit": Page(),
    "users": Page(),
    "organisation": Page(),
    "backups": Page(),
    "report": REPORT,
    "mine": Page(),
    "requests": Page(),
    "home": HOME,
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile database, served; the numbers of its hostile breaches and requests."""
    db = tmp_path_factory.mktemp("hostile") / "vern.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VERN_DB", str(db))
        env.setenv("VERN_NOW", FIXED_NOW)
        for name in ("VERN_CONFIG", "VERN_KEYS"):
            env.delenv(name, raising=False)
        numbers = hostile_data.build(db)
        with serving(db) as url:
            yield url, numbers


def walk(chromium, url: str, role: str, pages: dict[str, Page]) -> list[str]:
    """Sign in as the role's hostile account and look at every page it may open: what is wrong."""
    page = new_tab(chromium)
    failures = []
    try:
        sign_in(page, url, USERS[role], PASSWORD)
        sidebar = page.get_by_test_id("stSidebar")
        navigation = sidebar.get_by_test_id("stPageLink-NavLink")
        navigation.first.wait_for()
        with contextlib.suppress(AssertionError):  # the sidebar draws its sections one after another
            expect(navigation).to_have_count(len(pages))  # (a wrong count is the assertion's below)
        hrefs = [link.get_attribute("href") for link in navigation.all()]
        href = {path: "" if path == "overview" else path for path in pages}  # the default page is the root
        assert sorted(hrefs) == sorted(href.values()), f"{role} may open {hrefs}"
        links = [sidebar.locator(f'a[href="{href[path]}"]') for path in pages]
        for (path, shown), _ in zip(pages.items(), each_page(page, links), strict=True):
            failures += [f"{role} on {path}: {failure}" for failure in look_at(page, role, shown)]
    finally:
        page.context.close()
    return failures


def look_at(page, role: str, shown: Page) -> list[str]:
    """Every look at the page (its tabs and expanders open): what is wrong."""
    problems, text, charts = set(), [], []

    def scan() -> None:
        drawn(page)  # a tab or expander just opened may still fetch its elements' code
        found = page.evaluate(SCAN, [sorted(MARKERS), list(HOSTS), [*PLANTED.values(), *USERS.values()],
                                     list(shown.designed)])
        problems.update(found["problems"])
        text.append(found["text"].replace(WORD_JOINER, ""))  # invisible, and not typed
        charts.extend(found["charts"])

    for look in shown.looks:
        for step in look.steps:
            step(page)
        scan()
        page.keyboard.press("Escape")
        open_expanders(page)
        scan()
        for tab in page.get_by_test_id("stMain").get_by_role("tab").all():
            tab.click()
            open_expanders(page)
            scan()
        if look.charts:  # Plotly draws a hover text only under the pointer
            for bar in page.locator(".js-plotly-plot .bars path").all():
                box = bar.bounding_box()
                if box and box["width"] > 1 and box["height"] > 1:  # a bar drawn, not a zero
                    bar.scroll_into_view_if_needed()
                    box = bar.bounding_box()
                    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                    scan()
    page_text = "\n".join(text)
    missing = [f"{field} not shown as typed: {PLANTED[field]!r}"
               for look in shown.looks for field in look.text if PLANTED[field] not in page_text]
    missing += [f"{field} not a chart's label as typed: {PLANTED[field]!r}"
                for look in shown.looks for field in look.charts if not any(PLANTED[field] in c for c in charts)]
    if USERS[role] not in page_text:
        missing.append(f"the username not shown as typed: {USERS[role]!r}")
    return sorted(problems) + missing


def test_the_adviser_sees_every_planted_string_as_text(hostile, chromium):
    url, numbers = hostile
    failures = walk(chromium, url, "adviser", adviser_pages(numbers))
    assert not failures, "\n".join(failures)


def test_staff_see_their_words_as_text(hostile, chromium):
    url, _ = hostile
    failures = walk(chromium, url, "staff", STAFF_PAGES)
    assert not failures, "\n".join(failures)


def test_the_board_sees_names_in_its_charts_as_text(hostile, chromium):
    url, _ = hostile
    failures = walk(chromium, url, "board", BOARD_PAGES)
    assert not failures, "\n".join(failures)


def test_the_admin_sees_file_names_and_usernames_as_text(hostile, chromium):
    url, _ = hostile
    failures = walk(chromium, url, "admin", ADMIN_PAGES)
    assert not failures, "\n".join(failures)
