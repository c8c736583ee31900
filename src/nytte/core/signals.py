"""Signals core sends so that domain apps can react without core importing them.

``programme_created(sender=Programme, programme=..., acting_user=...)`` is sent by
``core.services.programme_create`` once the programme is saved (inside its transaction); the
proposals app connects to it to give the programme its default assessment criteria and
qualification questions.
"""

from django.dispatch import Signal

programme_created = Signal()
