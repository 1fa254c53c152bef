"""The journal and the case summary over HTTP (issue 15 points 2 and 3): who may read, search, draft, sign and
print; the draft saved by the page's script, also after the session has expired; no URL or admin page that
changes or removes a signed entry; the PDF with its secrecy marking on every page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from socialtjanst import case_summary, journal
from socialtjanst.models import AccessAction, AccessEvent, JournalDraft, JournalEntry
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

DRAFT = {"occurred_on": "2024-02-01", "kind": "hembesok", "with_whom": "Pappa", "text": "Hembesök, rörigt hemma."}


def _url(name, case, suffix=""):
    return reverse(f"socialtjanst:{name}", args=[case.pk]) + suffix


def _token(user, case):
    return journal.draft_token(user=user, case=case)


def _sign(client, user, case, **fields):
    response = client.post(_url("journal_sign", case), {**DRAFT, "draft_token": _token(user, case), **fields})
    assert response.status_code == 302
    return JournalEntry.objects.filter(case=case).order_by("-pk").first()


def _denied(case):
    return list(AccessEvent.objects.filter(action=AccessAction.DENIED).values_list(
        "username", "object_type", "object_id", "person_ids", "outside_own_units"))


@pytest.fixture
def entry(handlaggare, own_case):
    return _sign(login(handlaggare), handlaggare, own_case)


# --- access -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method,name,suffix", [
    ("get", "journal", ""), ("get", "journal", "?q=rörigt"), ("post", "journal_draft_save", ""),
    ("post", "journal_sign", ""), ("post", "journal_draft_discard", ""), ("get", "case_print", ""),
    ("get", "case_print_pdf", ""),
])
def test_outside_the_units_every_journal_and_print_url_is_not_found_and_logged_as_denied(
        handlaggare, other_case, units, method, name, suffix):
    colleague = UserFactory(username="olle", role="Handläggare", units=[units["other"]])
    _sign(login(colleague), colleague, other_case, text="Hemligt för andra enheter.")
    before = (list(JournalEntry.objects.values_list("pk", "text")), JournalDraft.objects.count())
    client = login(handlaggare)
    url = _url(name, other_case, suffix)
    data = {**DRAFT, "draft_token": _token(handlaggare, other_case), "autosave": "1"}
    response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code == 404
    assert "Hemligt" not in response.content.decode() and "Främlingsson" not in response.content.decode()
    assert _denied(other_case) == [("hanna", "Case", other_case.pk, [other_case.person_id], True)]
    assert (list(JournalEntry.objects.values_list("pk", "text")), JournalDraft.objects.count()) == before


@pytest.mark.parametrize("role", ["controller", "systemforvaltare"])
def test_roles_without_case_content_reach_no_journal(request, role, entry, own_case):
    client = login(request.getfixturevalue(role))
    for name in ("journal", "case_print", "case_print_pdf"):
        assert client.get(_url(name, own_case)).status_code == 404


def test_anonymous_without_a_draft_token_is_sent_to_log_in_and_nothing_is_saved(own_case):
    response = Client().post(_url("journal_draft_save", own_case), {**DRAFT, "autosave": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/logga-in/?next=")
    assert JournalDraft.objects.count() == 0


# --- reading, searching, logging ----------------------------------------------------------------------------

def test_the_journal_page_shows_entries_newest_first_and_logs_the_read_and_the_search(handlaggare, own_case):
    client = login(handlaggare)
    _sign(client, handlaggare, own_case, occurred_on="2024-02-01", text="Första anteckningen.")
    _sign(client, handlaggare, own_case, occurred_on="2024-03-05", text="Andra anteckningen.", kind="telefon")
    body = client.get(_url("journal", own_case)).content.decode()
    assert body.index("Andra anteckningen.") < body.index("Första anteckningen.")
    assert "2024-03-05 · Telefon" in body and "skriven av Test Användare" in body
    found = client.get(_url("journal", own_case, "?q=första")).content.decode()
    assert "Första anteckningen." in found and "Andra anteckningen." not in found
    rows = list(AccessEvent.objects.filter(object_type="Journal").order_by("pk").values_list(
        "action", "object_id", "person_ids", "criteria"))
    assert rows == [("view", own_case.pk, [own_case.person_id], {}),
                    ("search", own_case.pk, [own_case.person_id], {"sökord": "första"})]


def test_the_case_page_shows_the_journal_and_the_users_unsigned_draft(handlaggare, own_case, entry):
    client = login(handlaggare)
    client.post(_url("journal_draft_save", own_case), {"text": "Halvfärdig", "draft_token": _token(handlaggare,
                                                                                                    own_case)})
    body = client.get(own_case.get_absolute_url()).content.decode()
    assert "Hembesök, rörigt hemma." in body
    assert "Du har ett utkast som inte är signerat" in body


def test_a_closed_case_and_a_reader_who_may_not_change_still_see_the_journal(handlaggare, enhetschef, own_case,
                                                                               entry):
    from socialtjanst.models import Case

    Case.objects.filter(pk=own_case.pk).update(status="avslutat", closed_on=own_case.opened_on)
    for user in (handlaggare, enhetschef):
        body = login(user).get(own_case.get_absolute_url()).content.decode()
        assert "Hembesök, rörigt hemma." in body, user.username


def test_a_protected_persons_journal_masks_the_identity(handlaggare, units):
    case = CaseFactory(unit=units["own"], person=PersonFactory(first_name="Hemlig", last_name="Skyddsson",
                                                               protected_identity=True))
    client = login(handlaggare)
    _sign(client, handlaggare, case)
    for name in ("journal", "case_print"):
        body = client.get(_url(name, case)).content.decode()
        assert "Skyddad identitet" in body and "Skyddsson" not in body and case.person.id_number not in body
    assert AccessEvent.objects.filter(object_type="Journal", protected_person=True).count() == 1


# --- drafts -------------------------------------------------------------------------------------------------

def test_autosave_answers_with_the_time_and_keeps_one_draft(handlaggare, own_case):
    client = login(handlaggare)
    for text in ("Hem", "Hembesök hos"):
        response = client.post(_url("journal_draft_save", own_case),
                               {**DRAFT, "text": text, "autosave": "1", "draft_token": _token(handlaggare, own_case)})
        assert response.status_code == 200 and re.fullmatch(r"\d\d:\d\d:\d\d", response.json()["sparat"])
    assert list(JournalDraft.objects.values_list("author__username", "text")) == [("hanna", "Hembesök hos")]
    page = client.get(_url("journal", own_case)).content.decode()
    assert "Hembesök hos</textarea>" in page


def test_a_save_after_the_session_expired_is_kept_for_the_user_who_opened_the_page(handlaggare, own_case):
    token = _token(handlaggare, own_case)
    expired = Client()  # no session: as after the idle timeout
    response = expired.post(_url("journal_draft_save", own_case),
                            {**DRAFT, "text": "Skrivet efter utloggningen", "autosave": "1", "draft_token": token})
    assert response.status_code == 200
    assert list(JournalDraft.objects.values_list("author__username", "text")) == [
        ("hanna", "Skrivet efter utloggningen")]
    # After logging in again the draft is on the page.
    assert "Skrivet efter utloggningen" in login(handlaggare).get(_url("journal", own_case)).content.decode()


def test_a_draft_token_works_only_for_its_case_and_user(handlaggare, enhetschef, own_case, units):
    another = CaseFactory(unit=units["own"])
    response = Client().post(_url("journal_draft_save", another),
                             {**DRAFT, "autosave": "1", "draft_token": _token(handlaggare, own_case)})
    assert response.status_code == 302
    response = login(enhetschef).post(_url("journal_draft_save", own_case),
                                      {**DRAFT, "autosave": "1", "draft_token": _token(handlaggare, own_case)})
    assert response.status_code == 403
    assert JournalDraft.objects.count() == 0


def test_a_token_does_not_outlive_the_users_access(handlaggare, own_case, units):
    token = _token(handlaggare, own_case)
    handlaggare.unitmembership_set.all().delete()
    response = Client().post(_url("journal_draft_save", own_case), {**DRAFT, "autosave": "1", "draft_token": token})
    assert response.status_code == 404 and JournalDraft.objects.count() == 0


def test_signing_with_missing_fields_keeps_the_draft_and_says_what_is_missing(handlaggare, own_case):
    client = login(handlaggare)
    response = client.post(_url("journal_sign", own_case), {"text": "Bara text", "draft_token": _token(
        handlaggare, own_case)}, follow=True)
    body = response.content.decode()
    assert journal.DATE_REQUIRED in body and journal.KIND_REQUIRED in body
    assert JournalEntry.objects.count() == 0
    assert JournalDraft.objects.get().text == "Bara text"


def test_discarding_removes_only_the_draft(handlaggare, own_case, entry):
    client = login(handlaggare)
    client.post(_url("journal_draft_save", own_case), {"text": "Skräp", "draft_token": _token(handlaggare, own_case)})
    client.post(_url("journal_draft_discard", own_case))
    assert JournalDraft.objects.count() == 0 and JournalEntry.objects.count() == 1


# --- no way to change a signed entry --------------------------------------------------------------------------

def test_no_url_and_no_admin_page_changes_or_removes_a_signed_entry(handlaggare, own_case, entry, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="x-losen-123456")
    admin = login(superuser)
    for path in (f"/admin/socialtjanst/journalentry/{entry.pk}/change/",
                 f"/admin/socialtjanst/journalentry/{entry.pk}/delete/", "/admin/socialtjanst/journalentry/"):
        assert admin.get(path).status_code == 404
        assert admin.post(path, {"post": "yes", "text": "Ändrad"}).status_code == 404
    client = login(handlaggare)
    for name in ("journal", "journal_sign", "journal_draft_save", "journal_draft_discard"):
        client.post(_url(name, own_case), {"id": entry.pk, "text": "Ändrad", "corrects": entry.pk})
    assert list(JournalEntry.objects.values_list("pk", "text")) == [(entry.pk, "Hembesök, rörigt hemma.")]


def test_a_correction_through_the_page_names_the_original(handlaggare, own_case, entry):
    client = login(handlaggare)
    form = client.get(_url("journal", own_case, f"?korrigerar={entry.pk}")).content.decode()
    assert f'<option value="{entry.pk}" selected>' in form
    correction = _sign(client, handlaggare, own_case, text="Hembesök, städat hemma.", corrects=entry.pk,
                       correction_reason="Fel hem")
    body = client.get(_url("journal", own_case)).content.decode()
    assert f"Korrigerar anteckning nr {entry.pk} (2024-02-01, Test Användare" in body and "Skäl: Fel hem" in body
    assert f"Korrigerad genom anteckning nr {correction.pk}" in body
    assert "Hembesök, rörigt hemma." in body and "Hembesök, städat hemma." in body


# --- print and PDF --------------------------------------------------------------------------------------------

def test_the_print_page_holds_the_whole_case_and_is_logged_as_an_export(handlaggare, own_case, entry):
    response = login(handlaggare).get(_url("case_print", own_case))
    body = response.content.decode()
    for text in ("Sekretess enligt OSL 26 kap.", "Egen Klientsson", own_case.person.id_number, "Aktualiseringar",
                 "Utredningar", "Beslut och insatser", "Placeringar", "Inga placeringar.", "Hembesök, rörigt hemma."):
        assert text in body, text
    row = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert (row.object_type, row.object_id, row.person_ids, row.criteria) == (
        "CaseSummary", own_case.pk, [own_case.person_id], {"format": "html"})


def test_the_pdf_is_a_pdf_marked_secret_on_every_page(handlaggare, own_case):
    client = login(handlaggare)
    for n in range(40):  # enough text for several pages
        _sign(client, handlaggare, own_case, text=f"Anteckning {n}. " + "Lång text om samtalet. " * 30)
    response = client.get(_url("case_print_pdf", own_case))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    row = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert (row.object_type, row.person_ids, row.criteria) == ("CaseSummary", [own_case.person_id], {"format": "pdf"})

    html = client.get(_url("case_print", own_case)).content.decode()
    document = case_summary.case_summary_document(html)
    assert len(document.pages) >= 3
    for page in document.pages:
        assert "Sekretess enligt OSL 26 kap." in _page_text(page)


def _page_text(page) -> str:
    texts = []

    def walk(box):
        if hasattr(box, "text"):
            texts.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child)

    walk(page._page_box)
    return " ".join(texts)


def test_the_pdf_fetches_nothing_a_text_names(handlaggare, own_case):
    html = '<link rel="stylesheet" href="file:///etc/passwd"><img src="http://169.254.169.254/">Text'
    assert case_summary.case_summary_pdf(html).startswith(b"%PDF")
    with pytest.raises(ValueError, match="hämtar inte"):
        case_summary._static_only_fetcher().fetch("file:///etc/passwd")
