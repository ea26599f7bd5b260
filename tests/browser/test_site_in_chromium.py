"""The lesson site in a real browser: headless Chromium, driven by Playwright.

Run by `nox -s browser`, which builds the site strictly and points SITE_DIR at it
(without SITE_DIR the test builds it itself). Every page of the navigation is
loaded from a local HTTP server: no console error, no failed request, no broken
image; the navigation lists every lesson; search finds a CFFI term; a code
block's copy button copies; a collapsed block opens. Screenshots go to
SCREENSHOT_DIR (default build/browser/).

Chromium is found as $CHROMIUM, or chromium / chromium-browser / google-chrome on
the PATH. Without one, the tests are skipped with what to install: the course's
CI (.ci/run) installs Debian's chromium where it is missing.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _chromium() -> str | None:
    found = os.environ.get("CHROMIUM")
    if found:
        return found
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium found: install it (Debian/Ubuntu: sudo apt install chromium) or set CHROMIUM=/path/to/it",
)
playwright_sync = pytest.importorskip("playwright.sync_api", reason="needs playwright: run this through nox -s browser")


def _nav_pages() -> list[str]:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    for prefix in ("tag:yaml.org,2002:python/", "!"):  # MkDocs' own tags: their values are not needed here
        Loader.add_multi_constructor(prefix, lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    pages = []
    todo = list(config["nav"])
    while todo:  # a section ("Going further": [...]) holds entries of its own, in order
        entry = todo.pop(0)
        (page,) = entry.values() if isinstance(entry, dict) else (entry,)
        if isinstance(page, list):
            todo[:0] = page
        else:
            pages.append(page)
    return pages


PAGES = _nav_pages()


def _url_of(page: str) -> str:
    return "" if page == "index.md" else page[:-3] + "/"


@pytest.fixture(scope="module")
def site() -> Path:
    given = os.environ.get("SITE_DIR")
    if given:
        return Path(given)
    out = Path(tempfile.mkdtemp(prefix="cffi-course-site-"))
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)], cwd=ROOT, check=True
    )
    return out


@pytest.fixture(scope="module")
def base_url(site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.problems = []
    pg.on("console", lambda msg: msg.type == "error" and pg.problems.append(f"console error: {msg.text}"))
    pg.on("pageerror", lambda exc: pg.problems.append(f"page error: {exc}"))
    pg.on("requestfailed", lambda req: pg.problems.append(f"request failed: {req.url} ({req.failure})"))
    yield pg
    context.close()


def _screenshots() -> Path:
    out = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "build" / "browser"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.mark.parametrize("doc", PAGES)
def test_every_page_loads_cleanly(page, base_url, doc):
    response = page.goto(base_url + _url_of(doc), wait_until="networkidle")
    assert response is not None, f"{doc}: HTTP {response.status if response else 'no response'}"
    assert response.ok, f"{doc}: HTTP {response.status if response else 'no response'}"
    broken = page.evaluate(
        "Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
    )
    assert not broken, f"{doc}: images that did not load: {broken}"
    assert not page.problems, f"{doc}: " + "; ".join(page.problems)
    if doc == "index.md":
        path = _screenshots() / "home.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000, "the home page screenshot is suspiciously small"


def test_the_navigation_lists_every_lesson(page, base_url):
    page.goto(base_url, wait_until="networkidle")
    hrefs = page.eval_on_selector_all("nav.md-nav--primary a.md-nav__link[href]", "els => els.map(e => e.href)")
    for doc in PAGES:
        if doc != "index.md":
            assert any(h.endswith("/" + _url_of(doc)) for h in hrefs), f"the navigation has no link to {doc}"


def test_search_finds_a_cffi_term(page, base_url):
    page.goto(base_url, wait_until="networkidle")
    page.click(".md-search__input")
    page.keyboard.type("dlopen", delay=50)  # typed, as a reader does: search listens to key events
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    results = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    assert any("05-abi-vs-api" in r for r in results), f"searching 'dlopen' did not find lesson 05: {results}"
    marked = page.eval_on_selector_all(".md-search-result mark", "els => els.length")
    assert marked > 0, "search results show no highlighted term"
    page.screenshot(path=str(_screenshots() / "search.png"))
    assert not page.problems, "; ".join(page.problems)


def test_the_copy_button_copies_the_code(page, base_url, browser):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page.goto(base_url + "01-setup/", wait_until="networkidle")
    block = page.locator("div.highlight").filter(has=page.locator("code")).nth(0)
    block.hover()
    # Material 9.7 draws the button as nav.md-code__nav > button[data-md-type=copy]; older ones as button.md-clipboard
    block.locator("button[data-md-type='copy'], button.md-clipboard").first.click()
    page.wait_for_selector(".md-dialog--active", timeout=5000)
    assert "copied" in page.inner_text(".md-dialog").lower()
    copied = page.evaluate("navigator.clipboard.readText()")
    code = block.locator("code").inner_text()
    assert copied.strip(), f"clipboard holds {copied!r}"
    assert copied.strip().splitlines()[0] in code, f"clipboard holds {copied!r}"


def test_a_collapsed_block_opens(page, base_url):
    page.goto(base_url + "06-types/", wait_until="networkidle")
    details = page.locator("details").first
    assert details.get_attribute("open") is None, "the first collapsible block should start closed"
    details.locator("summary").click()
    page.wait_for_function("el => el.open", arg=details.element_handle(), timeout=5000)
    assert details.locator("pre").first.is_visible(), "opening the block did not show its code"
