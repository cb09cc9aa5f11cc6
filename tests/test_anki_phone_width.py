"""Cards read on a phone: every card's front and back, as the real `anki` library renders them with studyprep's
note-type CSS, laid out by headless Chromium 390 px wide (AnkiMobile and AnkiDroid on a common phone), light and
dark. Nothing may be wider than the screen: a long code line or a wide table scrolls inside its own box, a long
word (a URL) wraps, and the text stays a readable size.

CI installs no browser: without Chromium these tests skip, saying so. Locally: `apt-get install chromium`.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import FIXED_NOW

pytest.importorskip("anki", reason="the `anki` package (PyPI) has no wheel for this platform")

from anki_helpers import card_for_guid, import_package, open_collection

from studyprep.anki import model as anki_model
from studyprep.commands.export import export_decks
from studyprep.commands.importing import import_document
from studyprep.store.deckstore import load_deck
from studyprep.store.workspace import Workspace

CHROMIUM = next(filter(None, (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (apt-get install chromium): the 390 px phone layout is not measured",
)

PHONE_WIDTH = 390
PHONE_HEIGHT = 844
READABLE_PX = 16
# Flags for a machine with no network and no display (see Chromium's headless docs).
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=5000",
)

DOCUMENT = """\
# Interview Prep: Acme Payments – Senior Backend Engineer (Go)

## Company facts

- Mission: Make cross-border payments boring, cheap and instant for small businesses everywhere.

## Technical questions

### 1. How would you find duplicate rows in a large table without locking it for minutes?

Group by the natural key, keep the groups with more than one row; on a big table, do it on a replica.

```sql
SELECT email, count(*) AS n FROM users GROUP BY email HAVING count(*) > 1 ORDER BY n DESC; -- <script>x</script>
```

| Approach | Cost | Memory | When to use it | Where it breaks down in production |
|---|:---:|---|---|---|
| GROUP BY on a replica | O(n log n) | sort spill to disk | always safe | replication lag on a busy primary |
| Hash set in a streaming job | O(n) | one entry per distinct key | keys fit in memory | skewed keys on one worker |

See https://example.com/a/very/long/path/that/does/not/break/anywhere/because/it/has/no/spaces/whatsoever

### 2. What does `context.WithTimeout` return, and who must call `cancel`?

- **Returns** a derived context and a `cancel` func: {long_code}
- מה קורה אם שוכחים לקרוא ל-cancel? The context leaks until the parent is done.
""".format(long_code="`ctx, cancel := context.WithTimeout(parentContextFromTheRequest, 30*time.Second)`")

# The page Anki shows: its card HTML (with the note type's `<style>`) in a body of class `card`; night mode adds
# `nightMode night_mode` (desktop and AnkiMobile use the first, AnkiDroid the second).
CARD_PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,'
    ' initial-scale=1"></head><body class="card card1 {night}"><div id="qa">{card}</div></body></html>'
)
# Each card in an iframe of the phone's width (a srcdoc frame is same-origin, so its layout can be read); the
# measurements are written into the page, which `--dump-dom` prints once loaded.
MEASURE = """
<script>
function measure(frame) {
  const win = frame.contentWindow, doc = frame.contentDocument, width = win.innerWidth;
  const scrollers = [...doc.querySelectorAll("pre, .sp-table")];
  const inside = (el) => scrollers.some((box) => box !== el && box.contains(el));
  const style = (selector, property) => {
    const el = doc.querySelector(selector);
    return el ? win.getComputedStyle(el)[property] : null;
  };
  return {
    name: frame.dataset.name, width: width, scrollWidth: doc.documentElement.scrollWidth,
    wider: [...doc.querySelectorAll("body *")]
      .filter((el) => !inside(el) && el.getBoundingClientRect().right > width + 0.5)
      .map((el) => el.tagName + "." + el.className),
    scrollers: scrollers.map((el) => ({tag: el.tagName, right: el.getBoundingClientRect().right,
                                       scrolls: el.scrollWidth > el.clientWidth})),
    fontPx: [".sp-prompt", ".sp-back"].map((s) => style(s, "fontSize")).filter(Boolean).map(parseFloat),
    color: style(".sp-prompt", "color"), background: win.getComputedStyle(doc.body).backgroundColor,
  };
}
window.addEventListener("load", () => {
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify([...document.querySelectorAll("iframe")].map(measure));
  document.body.appendChild(out);
});
</script>
"""


def rendered_cards(tmp_path: Path) -> dict[str, str]:
    """`name -> card HTML` for the front and back of every card of `DOCUMENT`, as Anki renders them."""
    workspace = Workspace(tmp_path / "ws")
    document = tmp_path / "acme.md"
    document.write_text(DOCUMENT, encoding="utf-8")
    slug = import_document(workspace, document, FIXED_NOW).deck
    package = export_decks(workspace, [slug], tmp_path / "phone.apkg", FIXED_NOW).path
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, package)
        pages = {}
        for number, card in enumerate(load_deck(workspace, slug).cards):
            anki_card = card_for_guid(col, anki_model.note_guid(slug, card.id))
            pages[f"{card.kind}-{number}-front"] = anki_card.question()
            pages[f"{card.kind}-{number}-back"] = anki_card.answer()
        return pages
    finally:
        col.close()


def card_page(card_html: str, *, night: bool) -> str:
    """A whole page as Anki shows the card, in day or night mode."""
    return CARD_PAGE.format(night="nightMode night_mode" if night else "", card=card_html)


def measure_at_phone_width(pages: dict[str, str], folder: Path) -> list[dict]:
    """Lay every page out in Chromium at `PHONE_WIDTH` and return what `MEASURE` read from each."""
    frames = "".join(
        f'<iframe data-name="{html.escape(name)}" width="{PHONE_WIDTH}" height="{PHONE_HEIGHT}"'
        f' style="border:0;display:block" srcdoc="{html.escape(page, quote=True)}"></iframe>'
        for name, page in pages.items()
    )
    host = folder / "phone.html"
    host.write_text(f"<!doctype html><html><body>{frames}{MEASURE}</body></html>", encoding="utf-8")
    command = [CHROMIUM, *HEADLESS, f"--user-data-dir={folder / 'profile'}", "--dump-dom", host.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found, f"Chromium printed no measurements (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def _luminance(css_color: str) -> float:
    red, green, blue = (int(part) for part in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def test_every_card_fits_a_390px_phone_day_and_night(tmp_path: Path) -> None:
    cards = rendered_cards(tmp_path)
    modes = ("day", "night")
    pages = {f"{name}-{mode}": card_page(card, night=mode == "night") for name, card in cards.items() for mode in modes}
    measured = measure_at_phone_width(pages, tmp_path)
    assert {frame["name"] for frame in measured} == set(pages)
    for frame in measured:
        name = frame["name"]
        assert frame["width"] == PHONE_WIDTH, name
        assert frame["scrollWidth"] <= PHONE_WIDTH and frame["wider"] == [], (name, frame)
        assert all(box["right"] <= PHONE_WIDTH + 0.5 for box in frame["scrollers"]), (name, frame)
        assert frame["fontPx"] and min(frame["fontPx"]) >= READABLE_PX, (name, frame)
        text, background = _luminance(frame["color"]), _luminance(frame["background"])
        assert (text < background) if name.endswith("-day") else (text > background), (name, frame)
    code_back = next(frame for frame in measured if frame["name"].startswith("question-") and frame["scrollers"])
    # The SQL line and the five-column table are wider than the phone: each scrolls inside its own box.
    assert [box["tag"] for box in code_back["scrollers"]] == ["PRE", "DIV"]
    assert all(box["scrolls"] for box in code_back["scrollers"]), code_back
