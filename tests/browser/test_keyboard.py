"""A participant who never touches the mouse: after the first page load, only the keyboard (Tab, Shift+Tab,
Enter, Space and the arrows) logs in, opens a demo competition, goes through its tabs, accepts the rules,
chooses a prediction file and submits it, and sees the score.

Every control the walk focuses must show a focus ring that appears with the focus (an outline of at least
2px, or a box-shadow, at least 3:1 against what is behind it) and must be on the screen; the first Tab
stop of a page is a "Skip to content" link that moves the focus past the top bar; and no page has a
focusable control hidden off-screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

MAX_TAB_STOPS = 80

# The focused element as the checks need it. The style it had while focused is kept in the page, so the next
# call can read the same element's style unfocused: a focus indicator appears with the focus.
FOCUS_STATE = """() => {
  const element = document.activeElement;
  const nameOf = (e) => (e.getAttribute("aria-label") || (e.labels && e.labels.length ? e.labels[0].innerText : "")
    || e.innerText || e.value || e.getAttribute("title") || "").replace(/\\s+/g, " ").trim();
  const ringOf = (e) => {
    const s = getComputedStyle(e);
    return { outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0, outlineColor: s.outlineColor,
      outlineOffset: parseFloat(s.outlineOffset) || 0, boxShadow: s.boxShadow };
  };
  const backgroundBehind = (e) => {
    for (let node = e; node && node.nodeType === 1; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor;
      if (color && color !== "transparent" && !/rgba\\(.*,\\s*0\\)$/.test(color)) return color;
    }
    return "rgb(255, 255, 255)";
  };
  let previous = null;
  const last = window.__lastFocus;
  if (last && last.element !== element && last.element.isConnected) {
    previous = { name: last.name, focused: last.ring, unfocused: ringOf(last.element) };
  }
  if (!element || element === document.body) {
    window.__lastFocus = null;
    return { tag: "body", previous };
  }
  const ring = ringOf(element);
  const rect = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  const name = nameOf(element);
  window.__lastFocus = { element, ring, name };
  return {
    tag: element.tagName.toLowerCase(), type: element.getAttribute("type") || "", id: element.id, name,
    className: typeof element.className === "string" ? element.className : "",
    tabIndex: element.tabIndex, inTopBar: !!element.closest(".topbar"), inMain: !!element.closest("main"),
    ring, previous,
    // An outline drawn inside the element (negative offset) sits on the element's own background.
    background: backgroundBehind(ring.outlineOffset < 0 ? element : element.parentElement),
    rect: { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom, width: rect.width, height: rect.height },
    viewport: { width: document.documentElement.clientWidth, height: window.innerHeight },
    visible: style.visibility !== "hidden" && parseFloat(style.opacity) > 0,
  };
}"""

# Every control a Tab can reach, in document order, with where it is on the page.
TABBABLE = """() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex], iframe";
  const width = document.documentElement.scrollWidth, height = document.documentElement.scrollHeight;
  return [...document.querySelectorAll(selector)]
    .filter((e) => e.tabIndex >= 0 && !e.disabled && e.checkVisibility({ visibilityProperty: true }))
    .map((e) => {
      const r = e.getBoundingClientRect();
      const left = r.left + window.scrollX, top = r.top + window.scrollY;
      return {
        description: e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + (e.innerText || e.value || "").trim().slice(0, 40),
        isSkipLink: e.classList.contains("skip-link"),
        offScreen: r.width < 2 || r.height < 2 || left + r.width <= 0 || top + r.height <= 0 || left >= width || top >= height,
      };
    });
}"""


def srgb_luminance(color: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"[\d.]+", color)[:3])

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((srgb_luminance(one), srgb_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def visible_outline(ring: dict) -> tuple | None:
    if ring["outlineStyle"] in ("none", "hidden") or ring["outlineWidth"] < 2:
        return None
    return ring["outlineStyle"], ring["outlineWidth"], ring["outlineColor"]


def has_ring(ring: dict) -> bool:
    return visible_outline(ring) is not None or ring["boxShadow"] != "none"


def indicator(ring: dict) -> tuple:
    return visible_outline(ring), ring["boxShadow"]


def check_focus(state: dict) -> None:
    """The focused control shows a focus ring, against its background, and is on the screen."""
    if state["previous"]:
        before = state["previous"]
        assert indicator(before["focused"]) != indicator(before["unfocused"]), (
            f"{before['name']!r} looks the same focused and unfocused: {before['focused']}"
        )
    if state["tag"] == "body":
        return
    what = f"{state['tag']}#{state['id']} {state['name']!r}"
    ring = state["ring"]
    assert has_ring(ring), f"{what} has no visible focus indicator: {ring}"
    if visible_outline(ring):
        ratio = contrast(ring["outlineColor"], state["background"])
        assert ratio >= 3, (
            f"{what}: its focus ring {ring['outlineColor']} on {state['background']} is only {ratio:.1f}:1"
        )
    rect, viewport = state["rect"], state["viewport"]
    assert state["visible"], f"{what} is focused but invisible: {rect}"
    assert rect["width"] >= 2, f"{what} is focused but invisible: {rect}"
    assert rect["height"] >= 2, f"{what} is focused but invisible: {rect}"
    assert rect["left"] >= -1, f"{what} is focused off-screen: {rect}"
    assert rect["right"] <= viewport["width"] + 1, f"{what} is focused off-screen: {rect}"
    assert rect["bottom"] > 0, f"{what} is focused off-screen: {rect}"
    assert rect["top"] < viewport["height"], f"{what} is focused off-screen: {rect}"


def press(page, key: str) -> dict:
    page.keyboard.press(key)
    state = page.evaluate(FOCUS_STATE)
    check_focus(state)
    return state


def tab_to(page, name: str, *, within: str = "", backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused control's name matches, checking every stop on the way."""
    pattern = re.compile(name)
    seen = []
    for _ in range(MAX_TAB_STOPS):
        state = press(page, "Shift+Tab" if backwards else "Tab")
        seen.append(state.get("name", state["tag"]))
        named = state["tag"] != "body" and pattern.search(state["name"])
        if named and (
            not within or page.evaluate("(selector) => document.activeElement.matches(selector)", within)
        ):
            return state
    raise AssertionError(f"No control named {name!r} within {MAX_TAB_STOPS} Tab stops; passed {seen}")


def skip_to_content(page) -> None:
    """The first Tab stop is the skip link; Enter on it puts the focus on the page's own content."""
    state = press(page, "Tab")
    assert state["name"] == "Skip to content", f"The first Tab stop is {state}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def follow(page, key: str = "Enter") -> None:
    """Activate the focused link or button and wait for the page it opens."""
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press(key)
    page.evaluate("window.__lastFocus = null")
    check_nothing_focusable_is_hidden(page)


def check_nothing_focusable_is_hidden(page) -> None:
    controls = page.evaluate(TABBABLE)
    assert controls, "Nothing on the page can take the focus"
    assert controls[0]["isSkipLink"], f"The first focusable element is {controls[:1]}"
    hidden = [
        control["description"] for control in controls if control["offScreen"] and not control["isSkipLink"]
    ]
    assert not hidden, f"Focusable but off-screen on {page.url}: {hidden}"


def open_tab(page, name: str, path: str) -> None:
    """Open a competition tab: past the top bar on a fresh page, back up with Shift+Tab from further down."""
    if page.evaluate("document.activeElement === document.body"):
        skip_to_content(page)
        tab_to(page, f"^{name}$", within="nav.tabs a")
    else:
        tab_to(page, f"^{name}$", within="nav.tabs a", backwards=True)
    follow(page)
    expect(page).to_have_url(re.compile(path))
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text(name)


def test_a_participant_joins_and_submits_with_the_keyboard_alone(page, site, tmp_path):
    # A valid (if poor) prediction file: the competition's own sample submission, fetched by the host.
    sample = site.client("demo-host").get("/api/v1/competitions/digits/files/sample_submission.csv")
    assert sample.status_code == 200, sample.text
    predictions = tmp_path / "keyboard.csv"
    predictions.write_bytes(sample.content)

    page.goto("/")
    check_nothing_focusable_is_hidden(page)

    # The skip link is the first stop, shows on focus, and takes the focus past the top bar.
    skip = press(page, "Tab")
    assert skip["name"] == "Skip to content"
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    screenshot(page, "keyboard-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    first_in_content = press(page, "Tab")
    assert first_in_content["inMain"], f"After the skip link, Tab went to {first_in_content}"
    # Shift+Tab from the content goes back into the top bar, where "Log in" is.
    back = press(page, "Shift+Tab")
    assert back["inTopBar"], back
    tab_to(page, "^Log in$", within=".topbar a", backwards=True)
    follow(page)
    expect(page).to_have_url(re.compile("/accounts/login/"))

    tab_to(page, "^Username$")
    page.keyboard.type("demo")
    tab_to(page, "^Password$")
    page.keyboard.type("podium-demo")
    follow(page)  # Enter in the password field sends the form
    expect(page).to_have_url(re.compile("/competitions/$"))

    skip_to_content(page)
    tab_to(page, "Handwritten digits", within="a.competition-card")
    follow(page)
    expect(page.get_by_role("heading", name="Handwritten digits", level=1)).to_be_visible()

    open_tab(page, "Data", "/data/")
    expect(page.locator("#join-required")).to_be_visible()
    open_tab(page, "Evaluation", "/evaluation/")
    open_tab(page, "Rules", "/rules/")
    skip_to_content(page)
    tab_to(page, "I accept the rules")
    follow(page, "Space")
    expect(page.get_by_text("You accepted the rules and joined as team 'demo'.")).to_be_visible()

    # The data previews open from the keyboard and scroll sideways with the arrow keys.
    open_tab(page, "Data", "/data/")
    tab_to(page, "train.csv", within="details.preview > summary")
    page.keyboard.press("Enter")
    expect(page.locator("details.preview", has_text="train.csv")).to_have_attribute("open", "")
    tab_to(page, "First rows of train.csv", within="[role=region]")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")  # keyboard scrolling is animated

    open_tab(page, "Leaderboard", "/leaderboard/")
    open_tab(page, "My submissions", "/submissions/")
    expect(page.locator("#progress-empty")).to_be_visible()

    # The file input takes the focus, and Space or Enter on it opens the file chooser. A standing listener keeps
    # Playwright intercepting choosers between the two: re-subscribing for the second one could race the key.
    page.on("filechooser", lambda chooser: None)
    chooser_input = tab_to(page, "Prediction CSV", within="input[type=file]")
    assert chooser_input["id"] == "submission-file"
    chosen_file = "() => document.activeElement.files.length === 1 && document.activeElement.files[0].name === 'keyboard.csv'"
    with page.expect_file_chooser() as chosen:
        page.keyboard.press("Space")
    chosen.value.set_files(str(predictions))
    page.wait_for_function(chosen_file)  # the chooser has closed: the browser opens one at a time
    with page.expect_file_chooser() as chosen_again:
        page.keyboard.press("Enter")
    chosen_again.value.set_files(str(predictions))
    page.wait_for_function(chosen_file)
    tab_to(page, "^Description$")
    page.keyboard.type("chosen and sent from the keyboard")
    tab_to(page, "^Submit$", within="button")
    screenshot(page, "keyboard-submit-focused")
    page.keyboard.press("Enter")

    expect(page.locator("#upload-status")).to_have_text(
        re.compile(r"^Scored: [\d.]+ on the public rows\."), timeout=60_000
    )
    row = page.locator("#submissions-table tbody tr").first
    expect(row.locator(".status")).to_have_text("scored")
    expect(row.locator(".sub-desc")).to_have_text("chosen and sent from the keyboard")
