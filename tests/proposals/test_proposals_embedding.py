"""An installed embedding model: off unless configured; vectors made in the background,
stored with the rows and remade when the text or the model changes; the harmonisation
suggestions fuse the model's ranking with the words'."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_tasks_db.models import DBTaskResult

from nytte.proposals import matching
from nytte.proposals.matching import vectors
from nytte.proposals.models import TextVector
from nytte.proposals.tasks import embed_texts
from nytte.similarity import Band
from nytte.similarity.fusion import FusedIndex
from nytte.similarity.lexical import LexicalIndex
from tests.api.test_api_core import bearer
from tests.factories import InitiativeFactory, ProposalFactory
from tests.similarity.embedding_model import minilm_dir

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    """Indexes are built anew per test (primary keys are reused); the loaded model is kept
    (it is reloaded whenever the configured directory changes)."""
    matching.reset()
    yield
    matching.reset()


@pytest.fixture(scope="session")
def model_path(tmp_path_factory):
    return minilm_dir(tmp_path_factory.mktemp("models"))


@pytest.fixture
def with_model(settings, model_path):
    settings.NYTTE_EMBEDDING_MODEL_DIR = str(model_path)
    return model_path


@pytest.fixture
def texts(programme):
    """English texts (the test model is English): one pair shares no word but the subject."""
    return {
        "passport": InitiativeFactory(
            programme=programme,
            code="FI-1",
            title="Passport renewal online",
            description="Citizens renew their passport on the web.",
        ),
        "farm": InitiativeFactory(
            programme=programme,
            code="FI-2",
            title="Livestock reporting",
            description="Farmers report how many animals they keep each spring.",
        ),
        "proposal": ProposalFactory(
            programme=programme,
            title="Travel document without queueing",
            need="Getting a new travel document means waiting at the police station.",
            idea="Let people order it from home.",
            expected_benefits="",
        ),
    }


def test_without_the_setting_nothing_is_embedded_or_enqueued(
    programme, texts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        InitiativeFactory(programme=programme, title="Another", description="Text.")
    assert callbacks == [] and not DBTaskResult.objects.exists()
    assert vectors.embedder() is None
    assert vectors.embed_programme(programme.pk) == 0
    assert isinstance(matching.fresh(programme.pk).index, LexicalIndex)
    with pytest.raises(CommandError, match="NYTTE_EMBEDDING_MODEL_DIR"):
        call_command("embed")


def test_a_save_enqueues_embedding_after_commit(
    programme, with_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        initiative = InitiativeFactory(programme=programme, title="Passport", description="New.")
    task = DBTaskResult.objects.get()
    assert task.task_path == "nytte.proposals.tasks.embed_texts"
    assert task.args_kwargs["args"] == [programme.pk]
    # What the worker runs:
    assert embed_texts.call(programme.pk) == 1
    stored = TextVector.objects.get(initiative=initiative)
    assert stored.model == vectors.embedder().model_id and stored.dimension == 384
    assert len(stored.vector) == 384 * 4


def test_vectors_are_remade_when_the_text_or_the_model_changes(programme, texts, with_model):
    assert vectors.embed_programme(programme.pk) == 3
    assert vectors.embed_programme(programme.pk) == 0  # nothing stale
    farm = texts["farm"]
    farm.description = "Farmers report their animals once a year."
    farm.save()
    texts["passport"].save()  # saved, same text: its vector stands
    assert vectors.embed_programme(programme.pk) == 1
    TextVector.objects.filter(initiative=texts["passport"]).update(model="older-model@0")
    assert [kind for kind, *_ in vectors.stale(programme.pk, vectors.embedder().model_id)] == [
        "initiative"
    ]
    assert vectors.embed_programme(programme.pk) == 1


def test_suggestions_fuse_the_model_with_the_words_and_show_its_finds_as_weak(
    programme, texts, with_model
):
    proposal = texts["proposal"]
    text = matching.document_text(proposal)
    # Words alone: the passport initiative shares no word with the proposal.
    lexical = matching.similar(programme, text, exclude_proposal=proposal)
    assert texts["passport"].pk not in {s.obj.pk for s in lexical}

    vectors.embed_programme(programme.pk)
    entry = matching.fresh(programme.pk)
    assert isinstance(entry.index, FusedIndex) and len(entry.index.vectors) == 3
    found = matching.similar(programme, text, exclude_proposal=proposal)
    first = found[0]
    assert (first.kind, first.obj.pk) == ("initiative", texts["passport"].pk)
    assert first.band == Band.WEAK and first.score == 0.0  # no word evidence: weak
    assert first.semantic_rank == 1 and first.by_meaning  # … and why it is there


def test_the_tab_and_the_api_say_a_suggestion_is_close_in_meaning(
    programme, texts, with_model, facilitator, client_for
):
    vectors.embed_programme(programme.pk)
    proposal = texts["proposal"]
    html = (
        client_for(facilitator, language="en")
        .get(proposal.get_absolute_url() + "?tab=harmonisation")
        .content.decode()
    )
    assert "close in meaning, by the installed language model" in html
    base = f"/api/v1/programmes/{programme.slug}/proposals/{proposal.number}"
    body = Client(**bearer(facilitator)).get(base + "/similar").json()
    first = body["suggestions"][0]
    assert first["reference"] == "FI-1" and first["semantic_rank"] == 1
    assert first["band"] == "weak"


def test_an_edited_text_loses_its_vector_until_the_task_remakes_it(programme, texts, with_model):
    vectors.embed_programme(programme.pk)
    index = matching.fresh(programme.pk).index
    key = matching.doc_id("initiative", texts["farm"].pk)
    assert index.vectors.get(key) is not None
    farm = texts["farm"]
    farm.description = "Farmers report their animals once a year."
    farm.save()
    assert matching.fresh(programme.pk).index.vectors.get(key) is None
    vectors.embed_programme(programme.pk)
    assert matching.fresh(programme.pk).index.vectors.get(key) is not None


def test_the_embed_command_embeds_every_programme(programme, texts, with_model):
    out = io.StringIO()
    call_command("embed", stdout=out)
    assert "embedded 3 text(s)" in out.getvalue()
    assert TextVector.objects.filter(programme=programme).count() == 3
    out = io.StringIO()
    call_command("embed", "--programme", programme.slug, stdout=out)
    assert "Embedded 0 text(s)." in out.getvalue()


def test_a_model_that_cannot_load_leaves_word_matching_working(programme, texts, settings):
    settings.NYTTE_EMBEDDING_MODEL_DIR = "intfloat/multilingual-e5-small"  # a hub name
    assert vectors.embedder() is None
    assert isinstance(matching.fresh(programme.pk).index, LexicalIndex)
    assert matching.similar(programme, "passport renewal")[0].obj == texts["passport"]


def test_a_worker_loading_the_saved_index_takes_the_vectors_from_the_database(
    programme, texts, with_model, settings, tmp_path, caplog
):
    settings.NYTTE_SIMILARITY_DIR = tmp_path
    vectors.embed_programme(programme.pk)
    built = matching.fresh(programme.pk)  # builds and saves the lexical part
    assert len(built.index.vectors) == 3 and list(tmp_path.glob("programme-*.idx"))
    matching.reset()  # as a new worker
    with caplog.at_level("INFO", logger="nytte.proposals.matching.store"):
        loaded = matching.fresh(programme.pk)
    assert "loaded in" in caplog.text  # from the file, not built again
    assert loaded is not built and isinstance(loaded.index, FusedIndex)
    assert len(loaded.index.vectors) == 3
    proposal = texts["proposal"]
    found = matching.similar(programme, matching.document_text(proposal), exclude_proposal=proposal)
    assert found[0].obj == texts["passport"]
