"""The risk map in the real browser: a click on a cell lists its activities."""

from playwright.sync_api import expect

from conftest import sign_in


def open_activities(page, url, name, password):
    page.set_viewport_size({"width": 1400, "height": 1400})  # the whole map in view, clear of the header
    sign_in(page, url, name, password)
    expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_role("link", name="Activities and risk").click()
    expect(page.get_by_role("heading", name="Processing activities and risk")).to_be_visible()


def test_the_adviser_clicks_a_cell_of_the_heat_map(shared_demo_server, page):
    open_activities(page, shared_demo_server, "adviser", "vern-demo-personvern")
    cells = page.locator(".js-plotly-plot .scatterlayer path.point")
    expect(cells).to_have_count(16)
    # The cells run likelihood by likelihood, severity within: (significant, significant) is
    # the eleventh. It holds the marketing profile (inherent risk).
    box = cells.nth(10).bounding_box()  # plotly takes the click on the layer above the point
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_role("heading", name="significant × significant (1)")).to_be_visible()
    expect(page.get_by_text("Markedsføring med interesseprofil").first).to_be_attached()
    expect(page.get_by_role("heading", name="Risk register")).to_be_visible()


def test_the_board_sees_the_map_and_no_register(shared_demo_server, page):
    open_activities(page, shared_demo_server, "board", "vern-demo-styret")
    expect(page.locator(".js-plotly-plot")).to_have_count(1)
    expect(page.get_by_role("heading", name="Risk register")).to_have_count(0)
    expect(page.get_by_text("Kommunikasjonssjef")).to_have_count(0)
