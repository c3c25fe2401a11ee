"""The crisis plan in a real browser: written through the form, read on its page, printed.

1. The team nurse opens a resident's journal (it passes axe-core), writes a full crisis plan
   through the form and sees it on its page (which passes axe-core too).
2. The print view's "Udskriv" button calls the browser's print; the PDF Chromium makes of the
   page is exactly one A4 page and carries all three phases and who to call.
"""

from __future__ import annotations

import datetime
import io
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from . import CHROMIUM_PATH, SCREENSHOT_DIR
from .axe import assert_accessible
from .test_referral_flow import log_in, screenshot

if not Path(CHROMIUM_PATH).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM_PATH} not found and REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM_PATH} not found: no browser to drive", allow_module_level=True)

pytestmark = pytest.mark.browser

# A realistically full plan: every field filled, as a team writes it with the resident.
FULL_PLAN = {
    "Grøn: sådan ser det ud, når det går godt": (
        "Jeg sover 7-8 timer, står op til morgenmad kl. 8 og går i Netto selv. Jeg spiser "
        "aftensmad med de andre og ser min søster om søndagen. Jeg tager min medicin selv."
    ),
    "Grøn: det gør jeg selv": (
        "Går en tur om formiddagen, hører musik og holder fast i min døgnrytme. Siger til, "
        "hvis jeg ikke har sovet."
    ),
    "Grøn: det gør botilbuddet": (
        "Siger godmorgen og spørger til dagen. Tilbyder fælles gåtur to gange om ugen. "
        "Minder mig om aftenmedicinen."
    ),
    "Grøn: det gør botilbudsteamet": (
        "Samtale hver anden uge med kontaktpersonen i teamet; medicingennemgang hver tredje måned."
    ),
    "Gul: tidlige advarselstegn": (
        "Jeg sover under 5 timer, bliver på værelset, spiser ikke med de andre, trækker "
        "gardinerne for og bliver irritabel, når nogen banker på."
    ),
    "Gul: det gør jeg selv": (
        "Siger til min kontaktperson, at jeg har det svært. Tager min PN-medicin til natten "
        "efter aftale. Undgår kaffe efter kl. 15."
    ),
    "Gul: det gør botilbuddet": (
        "Kigger ind to gange om dagen med en rolig stemme. Tilbyder en gåtur og en kop te. "
        "Ringer til teamet samme dag og skriver i kontaktbogen."
    ),
    "Gul: det gør botilbudsteamet": (
        "Besøg inden for to hverdage. Vurderer medicinen og søvnen. Tættere kontakt i "
        "telefonen, indtil det går bedre."
    ),
    "Rød: tegn på krise": (
        "Jeg hører stemmer, der siger ting om mig, spiser og drikker ikke, tror at naboerne "
        "overvåger mig og vil ikke åbne døren for nogen."
    ),
    "Rød: det gør jeg selv": (
        "Tager min PN-medicin og bliver ikke alene. Lader personalet ringe til teamet eller "
        "akutpsykiatrien."
    ),
    "Rød: det gør botilbuddet": (
        "Bliver hos mig, taler roligt og én ad gangen. Ringer til teamet, eller uden for "
        "åbningstid til akutmodtagelsen. Fjerner ikke mine ting."
    ),
    "Rød: det gør botilbudsteamet eller akutpsykiatrien": (
        "Akut besøg samme dag. Vurderer behov for indlæggelse, helst frivilligt; lægen "
        "kontakter psykiatrisk akutmodtagelse og aftaler transport."
    ),
    "Det kan udløse en krise": (
        "Konflikter med min bror, at flytte værelse, mange mennesker eller larm om aftenen og "
        "at glemme medicinen flere dage i træk."
    ),
    "Det hjælper mig": (
        "En rolig stemme, en kop te, at gå en tur ved søen, min musik i høretelefoner og at "
        "min søster ringer."
    ),
    "Det skal I undgå": (
        "At flere taler til mig på én gang, at I står i døråbningen, og at I taler om mig, "
        "når jeg er i rummet."
    ),
    "Hvem ringer vi til i teamets åbningstid": (
        "Botilbudsteam Nord, tlf. 70 00 00 00 (hverdage 8-15.30). Kontaktperson: "
        "sygeplejerske i teamet."
    ),
    "Hvem ringer vi til uden for åbningstid": (
        "Psykiatrisk akutmodtagelse, tlf. 70 11 11 11, døgnet rundt. Ved livsfare: 112."
    ),
}
PDF_PAGE = re.compile(rb"/Type\s*/Page[^s]")


def field(page: Page, label: str):
    """The form field with exactly this label (optional fields add " (valgfri)")."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"( \(valgfri\))?$"))


def test_nurse_writes_and_prints_a_crisis_plan(page: Page, live_world):
    from record.models import Entry
    from record.tests.samples import new_resident_in_course

    w = live_world
    resident = new_resident_in_course(w, first_name="Birthe", last_name="Planlægger")
    log_in(page, w.team_nurse)

    page.goto(reverse("record:overview", args=[resident.pk]))
    expect(
        page.get_by_role("heading", name="Forløbsjournal: Birthe Planlægger", level=1)
    ).to_be_visible()
    assert_accessible(page)
    new = page.get_by_role("complementary", name="Ny registrering")
    new.get_by_role("link", name="Kriseplan", exact=True).click()

    expect(page.get_by_role("heading", name="Kriseplan", level=1)).to_be_visible()
    expect(page.get_by_label("Planen gælder fra")).to_have_value(timezone.localdate().isoformat())
    page.get_by_label("Gul", exact=True).check()
    for label, value in FULL_PLAN.items():
        field(page, label).fill(value)
    page.get_by_label("Planen er skrevet med beboerens egne ord").check()
    review = timezone.localdate() + datetime.timedelta(days=90)
    field(page, "Planen revurderes senest").fill(review.isoformat())
    page.get_by_role("button", name="Gem", exact=True).click()

    expect(page).to_have_url(re.compile(r"/journal/\d+/$"))
    expect(page.get_by_text("Kriseplan er gemt.")).to_be_visible()
    plan = page.locator("#crisis-plan")
    expect(plan.get_by_text("Aktuel fase: Gul")).to_be_visible()
    expect(plan.get_by_text("Skrevet med beboerens egne ord")).to_be_visible()
    table = plan.get_by_role("table", name="Faser: tegn, og hvad vi hver især gør")
    for phase in ("Grøn", "Gul", "Rød"):
        expect(table.get_by_role("rowheader", name=re.compile(f"^{phase}"))).to_be_visible()
    current = table.get_by_role("row").filter(has_text="aktuel")
    expect(current).to_have_count(1)
    expect(current).to_contain_text(FULL_PLAN["Gul: tidlige advarselstegn"])
    expect(plan.get_by_text(FULL_PLAN["Hvem ringer vi til uden for åbningstid"])).to_be_visible()
    assert_accessible(page)
    screenshot(page, "record_crisis_plan.png")
    entry = Entry.objects.get(resident=resident, kind="crisis_plan")
    assert entry.subtype == "yellow" and entry.data["own_words"] is True

    page.get_by_role("link", name="Udskriv (A4)").click()
    expect(page).to_have_url(reverse("record:print", args=[entry.pk]))
    button = page.get_by_role("button", name="Udskriv")
    expect(button).to_be_visible()  # print.js shows it
    page.evaluate(
        "() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }"
    )
    button.click()
    assert page.evaluate("window.__printed") == 1
    assert_accessible(page)

    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
    (Path(SCREENSHOT_DIR) / "record_crisis_plan.pdf").write_bytes(pdf)
    assert len(PDF_PAGE.findall(pdf)) == 1, "the crisis plan must print on one A4 page"

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        "Kriseplan: Birthe Planlægger",
        "Aktuel fase: Gul",
        "Grøn",
        "Rød",
        "Ring i teamets åbningstid",
        "Ring uden for åbningstid",
        "70 11 11 11",
        "Skrevet med beboerens egne ord",
    ):
        assert expected in text, f"{expected!r} missing from the PDF"
    page.emulate_media(media="print")
    screenshot(page, "record_crisis_plan_print.png")


@pytest.mark.parametrize(
    ("kind", "cell_chars"),
    [("crisis_plan", 250), ("crisis_plan", 380), ("crisis_plan", 480), ("treatment_plan", 900)],
)
def test_long_plans_still_print_on_one_page(page: Page, live_world, kind, cell_chars):
    """Longer plans get smaller type (record.views.print_density) and stay on one page."""
    from record.forms import FORMS
    from record.tests.samples import make_entry, new_resident_in_course

    w = live_world
    resident = new_resident_in_course(w, first_name="Lis", last_name="Langtekst")
    sentence = "Jeg sover dårligt og bliver på værelset; banker I på, så spørg roligt, hvad jeg har brug for. "
    text = (sentence * (cell_chars // len(sentence) + 1))[:cell_chars].strip()
    fields = {
        name: (text[:450] if name.startswith("call_") else text)
        for name, field in FORMS[kind].base_fields.items()
        if name not in ("occurred_on", "review_on", "subtype", "own_words")
    }
    plan = make_entry(w.team_nurse, resident, kind, **fields)
    log_in(page, w.team_nurse)
    page.goto(reverse("record:print", args=[plan.pk]))
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert len(PDF_PAGE.findall(pdf)) == 1, f"{kind} with {cell_chars} characters a field"
