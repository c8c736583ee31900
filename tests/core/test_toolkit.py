"""The shared toolkit in core: where form errors go, numbers from the query string, paging,
and the all-or-nothing trial write every import runs in."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.test import RequestFactory
from django.urls import reverse

from nytte.core.excel.rollback import Rollback, trial_write
from nytte.core.listing import paginate
from nytte.core.models import Organisation
from nytte.core.viewhelpers import NumberedUrls, add_errors, int_or_none, numbered_url


class NoteForm(forms.Form):
    name = forms.CharField()
    note = forms.CharField(required=False)


def form_with(exc: ValidationError, **options) -> NoteForm:
    form = NoteForm({"name": "x"})
    assert form.is_valid()
    add_errors(form, exc, **options)
    return form


def test_field_errors_go_next_to_their_fields_and_the_rest_to_the_top():
    exc = ValidationError({"name": "bad", "other": "elsewhere", NON_FIELD_ERRORS: "all"})
    form = form_with(exc)
    assert form.errors["name"] == ["bad"]
    assert form.non_field_errors() == ["elsewhere", "all"]


def test_an_error_without_a_field_goes_to_the_named_field():
    assert form_with(ValidationError("loose"), field="note").errors["note"] == ["loose"]
    # Errors tied to a field the form lacks stay at the top unless ``unknown`` says where.
    tied = ValidationError({"other": "elsewhere"})
    assert form_with(tied, field="note").non_field_errors() == ["elsewhere"]
    assert form_with(tied, unknown="note").errors["note"] == ["elsewhere"]


def test_rename_maps_the_service_keys_to_the_form_fields():
    form = form_with(ValidationError({"7": "too heavy"}), rename={"7": "note"})
    assert form.errors["note"] == ["too heavy"]


def test_a_missing_fallback_field_means_the_top_of_the_form():
    assert form_with(ValidationError("loose"), field="absent").non_field_errors() == ["loose"]


@pytest.mark.parametrize(("text", "number"), [("3", 3), ("", None), (None, None), ("x", None)])
def test_int_or_none(text, number):
    assert int_or_none(text) == number


@pytest.mark.parametrize("slug", ["bm", "p-918273645", "918273645"])
def test_a_numbered_url_is_the_route_reversed(slug):
    # A slug holding the number the route is first reversed with falls back to reverse.
    url = numbered_url("proposals:proposal", "number", slug=slug)
    for number in (1, 12, 918273645, 10**7):
        assert url(number) == reverse("proposals:proposal", kwargs={"slug": slug, "number": number})


def test_numbered_urls_keep_each_route_and_programme_apart():
    urls = NumberedUrls()
    for name in ("proposals:proposal", "proposals:move", "governance:case"):
        for slug in ("a", "b"):
            expected = reverse(name, kwargs={"slug": slug, "number": 7})
            assert urls(name, slug, 7) == expected


def test_paginate_gives_the_page_asked_for_and_the_links_around_it():
    request = RequestFactory().get("/", {"page": "2"})
    pages = paginate(request, list(range(120)), per_page=50)
    assert pages["page"].number == 2
    assert list(pages["page"].object_list) == list(range(50, 100))
    assert list(pages["page_range"]) == [1, 2, 3]
    out_of_range = paginate(RequestFactory().get("/", {"page": "9"}), list(range(120)), 50)
    assert out_of_range["page"].number == 3


@pytest.mark.django_db
def test_a_trial_write_keeps_nothing_when_rolled_back_and_everything_otherwise():
    with trial_write():
        Organisation.objects.create(orgnr="974761076", name="Skatteetaten")
        raise Rollback
    assert not Organisation.objects.exists()
    with trial_write():
        Organisation.objects.create(orgnr="974761076", name="Skatteetaten")
    assert Organisation.objects.count() == 1
