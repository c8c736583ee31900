"""Who acts in a service call: a user, the system, or a public proposer, never ``None``.

Every service takes a keyword-only ``acting_user: Actor``. A page or API handler passes
``request.user``; background tasks, migrations, the demo and commands run without
``--user`` pass :data:`SYSTEM` (or a :class:`System` naming their purpose); the public
proposal form and a proposer's private status link pass a :class:`PublicProposer`. A face
that forgets the actor fails loudly (:func:`require_actor` raises ``TypeError``) instead of
quietly gaining the system's rights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


@dataclass(frozen=True)
class System:
    """The system itself: tasks, migrations, the demo, commands run without ``--user``.

    It may do anything; ``purpose`` says why in the change log ("demo", "task", "cli").
    """

    purpose: str = "system"

    is_authenticated: ClassVar[bool] = False
    is_active: ClassVar[bool] = True
    is_superuser: ClassVar[bool] = False
    pk: ClassVar[None] = None

    def __str__(self) -> str:
        return f"system:{self.purpose}"


@dataclass(frozen=True)
class PublicProposer:
    """Someone without an account: the public form of ``programme_id``, or the holder of a
    proposal's private status link (``token``). It has no role anywhere; the services that
    accept it say so explicitly."""

    programme_id: int
    token: str = ""

    is_authenticated: ClassVar[bool] = False
    is_active: ClassVar[bool] = True
    is_superuser: ClassVar[bool] = False
    pk: ClassVar[None] = None

    def __str__(self) -> str:
        return "public"


SYSTEM = System()

Actor: TypeAlias = "User | AnonymousUser | System | PublicProposer"


def require_actor(actor: Any) -> Actor:
    """The actor itself, or ``TypeError`` when a caller passed ``None`` or something else."""
    if isinstance(actor, System | PublicProposer):
        return actor
    if actor is None:
        raise TypeError("acting_user is required: pass the user, SYSTEM or a PublicProposer")
    if not hasattr(actor, "is_authenticated"):
        raise TypeError(f"acting_user must be a user, System or PublicProposer, not {actor!r}")
    return actor


def is_system(actor: Any) -> bool:
    return isinstance(actor, System)


def is_public(actor: Any) -> bool:
    return isinstance(actor, PublicProposer)


def actor_user(actor: Any) -> User | None:
    """The user account behind an actor, for foreign keys (``None`` for system and public)."""
    require_actor(actor)
    return actor if getattr(actor, "is_authenticated", False) else None


def actor_label(actor: Any) -> str:
    """What the change log records beside the user: "" for a user, else system:… or public."""
    require_actor(actor)
    if isinstance(actor, System | PublicProposer):
        return str(actor)
    return "" if getattr(actor, "is_authenticated", False) else "anonymous"
