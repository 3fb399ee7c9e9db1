"""The tables at 1280 × 800 in the real browser, beside the open sidebar: nothing that matters
off the right edge, and a register of a screenful shown whole (issue 17: the processors page
hid the agreement dates and findings off the right edge and showed 10 of 11 rows)."""

from playwright.sync_api import expect

from conftest import copy_template, serving, sign_in

# page → its heading; each of its tables must fit the width it is given.
PAGES = {"processors": "Databehandlere og overføringer", "review": "Ukentlig gjennomgang",
         "retention": "Lagringstid og sletting", "trail": "Revisjonsspor", "access": "Tilgang til personopplysninger"}
# Each grid's scroll box: how wide and tall its content is against the room it has.
MEASURE = """() => [...document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller')].map(box => ({
    wide: box.scrollWidth, room: box.clientWidth, tall: box.scrollHeight, height: box.clientHeight,
    rows: box.closest('[data-testid=stDataFrame]').querySelectorAll('tr[aria-rowindex]').length}))"""


def test_every_table_fits_beside_the_sidebar_at_1280_px(db_path, cli_checked_template, page):
    copy_template(cli_checked_template, db_path)
    page.set_viewport_size({"width": 1280, "height": 800})
    with serving(db_path) as url:
        sign_in(page, url, "adviser", "vern-demo-personvern")
        expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
        expect(page.get_by_test_id("stSidebar")).to_be_visible()  # open: the tables get what is left
        for path, heading in PAGES.items():
            page.get_by_test_id("stSidebar").locator(f'a[href="{path}"]').click()
            expect(page.get_by_role("heading", name=heading)).to_be_visible()
            expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
            page.wait_for_timeout(1500)  # the grids lay out their columns after they appear
            grids = page.evaluate(MEASURE)
            assert grids, path
            for grid in grids:
                assert grid["wide"] <= grid["room"], (path, grid)  # no column past the right edge
            if path == "processors":
                # The whole register: 11 processors and the header, nothing to scroll to.
                assert (grids[0]["rows"], grids[0]["tall"] <= grids[0]["height"]) == (12, True), grids[0]
