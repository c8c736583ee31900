from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "nytte.proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from nytte.core import registercache, worker_start
        from nytte.core.signals import programme_created
        from nytte.portfolio.models import Initiative

        from .assessment.matrix import shared_matrix
        from .defaults import on_programme_created
        from .matching.vectors import on_saved
        from .matching.warm import warm_in_background
        from .models import Proposal

        # A new programme gets its default criteria and qualification questions.
        programme_created.connect(on_programme_created, dispatch_uid="proposals-defaults")
        # Where an agency installed an embedding model, saved texts are embedded in the
        # background (does nothing otherwise).
        for model in (Initiative, Proposal):
            post_save.connect(on_saved, sender=model, dispatch_uid=f"embed-{model.__name__}")
        # A server worker maps the saved harmonisation indexes as it starts.
        worker_start.register(warm_in_background)
        # After a change to the pipeline commits, the worker computes the matrix.
        registercache.register_warmer(
            shared_matrix, reads=registercache.PIPELINE, each_language=False
        )
