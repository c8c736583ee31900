"""Demo proposals for Framtidens innkreving: a dozen innovation opportunities from staff, a
citizen on the public form, a supplier through the API, other agencies, and ones the
facilitator sought out, spread over every stage of the flow.

Among them: a proposal that says what the initiative FI-2 (the joint debt overview) already
does in other words, for harmonisation to find; one merged into another; one rejected with
the reason its proposer is told; supporters, evidence and comments; the default assessment
criteria, two submitted assessments, one overdue and one waiting for its assessor.

Everything goes through the services, as the people who would do it (the facilitator moves
stages and asks assessors). Loading is idempotent: a proposal is found by programme and
title, and one that exists is left alone with everything on it, so edits made while trying
the demo survive a second run. The demo tells nobody: its e-mail addresses are invented, so
the receipts and notices the services would send are not sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from nytte.core.actors import Actor, PublicProposer, System
from nytte.core.models import Organisation, Programme, User
from nytte.portfolio.models import Initiative, LifeEvent

from . import assessment, notify, services
from .choices import Channel, Dimension, EvidenceKind, Source, Stage, Track
from .defaults import programme_defaults_create
from .models import Proposal

DEMO = System("demo")

FI = "framtidens-innkreving"
H, A, R = Stage.HARMONISATION, Stage.ASSESSMENT, Stage.READY


@dataclass(frozen=True)
class Outside:
    """A proposer without an account, who consented to their name and e-mail being kept."""

    name: str
    email: str


@dataclass(frozen=True)
class Review:
    """An assessor asked for scores: ``scores`` per dimension (cycled over its criteria),
    or none yet; ``due`` in days from today (negative: overdue)."""

    assessor: str
    due: int
    potential: tuple[int, ...] = ()
    complexity: tuple[int, ...] = ()


@dataclass(frozen=True)
class Spec:
    title: str
    need: str
    idea: str
    benefits: str
    source: str
    channel: str = Channel.FORM
    proposer: str | None = None  # username; None for outside or sought-out proposals
    outside: Outside | None = None
    registered_by: str | None = None  # who typed it in; None = the public form or the API
    organisations: tuple[str, ...] = ()  # short names
    life_events: tuple[str, ...] = ()
    days_ago: int = 1
    moves: tuple[tuple[str, str], ...] = ()  # (stage, reason), in order
    merge_into: str = ""  # the title of the proposal it is merged into
    merge_note: str = ""
    attach_to: str = ""  # the code of the initiative it is attached to
    track: tuple[str, str] | None = None  # (track, reason)
    supporters: tuple[str, ...] = ()
    evidence: tuple[tuple[str, str, str], ...] = ()  # (kind, text, source)
    comments: tuple[tuple[str, str], ...] = ()  # (username, text)
    reviews: tuple[Review, ...] = field(default_factory=tuple)


EFAKTURA = "eFaktura og AvtaleGiro for alle krav fra staten"

PROPOSALS: Sequence[Spec] = (
    # An earlier complaint the facilitator attached to FI-8: the matcher learns from it, so
    # the later proposal below in the same everyday words finds FI-8 through it.
    Spec(
        "Inkassovarsel for en regning jeg aldri fikk",
        "Jeg fikk varsel om tvangsinnkreving med gebyr for en regning jeg aldri hadde sett. Den "
        "var sendt til en gammel adresse, og første gang jeg hørte om kravet, hadde det "
        "allerede blitt dyrere.",
        "Gi beskjed på SMS første gang en regning ikke blir betalt, og tilby en avtale før "
        "kravet går til tvangsinnkreving.",
        "Færre gebyrer og færre krav som går til tvangsinnkreving.",
        Source.USER_INSIGHT,
        channel=Channel.PUBLIC,
        outside=Outside("Ola Hansen", "ola.hansen@example.com"),
        organisations=("SKE",),
        days_ago=150,
        moves=((Stage.HARMONISATION, ""),),
        attach_to="FI-8",
        merge_note="Samme behov som tidlig kontakt ved første betalingsmislighold.",
    ),
    Spec(
        "Varsel før et krav går til tvangsinnkreving",
        "Jeg fikk brev om tvangsinnkreving av et gebyr jeg aldri hadde sett. Regningen var "
        "sendt på papir til en adresse jeg flyttet fra for to år siden. Da jeg fikk vite om "
        "kravet, var det allerede lagt på gebyrer og trekk i lønn.",
        "Send et varsel på SMS eller i Digipost før kravet går videre, med et tydelig beløp, "
        "en frist og en knapp for å betale eller be om avtale. Bruk kontaktopplysningene "
        "staten allerede har i Kontakt- og reservasjonsregisteret.",
        "Færre krav til tvangsinnkreving, færre gebyrer for innbyggerne og færre "
        "henvendelser til Skatteetaten og Statens innkrevingssentral.",
        Source.USER_INSIGHT,
        channel=Channel.PUBLIC,
        outside=Outside("Kari Nordmann", "kari.nordmann@example.com"),
        organisations=("SKE",),
        days_ago=2,
        supporters=("bidragsyter",),
    ),
    Spec(
        "Se alt du skylder staten på ett sted",
        "Brukere som skylder både NAV, Skatteetaten og Statens vegvesen, må logge inn flere "
        "steder for å finne ut hva de skylder staten, og ringer oss for å få en samlet "
        "oversikt over kravene. Mange vet ikke hvilke avtaler de allerede har.",
        "En felles side der innbyggeren ser alle krav fra staten, hvilke betalingsavtaler som "
        "gjelder og hvilke trekk som tas i lønn og ytelser – uansett hvilken etat kravet "
        "kommer fra.",
        "Færre telefoner og brev, og innbyggere som får kontroll over gjelden tidligere.",
        Source.STAFF,
        proposer="bidragsyter",
        registered_by="bidragsyter",
        organisations=("NAV", "SKE"),
        life_events=("miste-og-finne-jobb", "ny-i-norge"),
        days_ago=6,
        supporters=("eier",),
        evidence=(
            (
                EvidenceKind.QUOTE,
                "«Jeg har tre brev fra tre steder og vet ikke hvilket jeg skal betale først.» "
                "— bruker på NAV-kontor i Bergen",
                "Brukerintervjuer, NAV Vestland 2025",
            ),
        ),
    ),
    Spec(
        "Trekk i lønn beregnet én gang på tvers av NAV og Skatteetaten",
        "Personer med gjeld til både NAV og Skatteetaten kan få to trekk beregnet hver for "
        "seg. Til sammen blir trekket større enn betalingsevnen, og saken må rettes opp "
        "manuelt etterpå.",
        "Ett felles trekk som tar hensyn til alle statlige krav og til det personen trenger "
        "å leve av, beregnet ett sted og fordelt mellom kravhaverne etter felles regler.",
        "Riktigere trekk første gang, færre klager og mindre manuelt arbeid i begge etater.",
        Source.OTHER_AGENCY,
        proposer="bidragsyter",
        registered_by="bidragsyter",
        organisations=("NAV", "SKE"),
        life_events=("miste-og-finne-jobb",),
        days_ago=24,
        moves=((H, ""),),
        supporters=("eier", "programadmin"),
        evidence=(
            (
                EvidenceKind.DATA,
                "Om lag 9 000 personer hadde trekk fra både NAV og Skatteetaten samtidig i "
                "2024; i 1 400 av sakene ble trekket senere satt ned etter klage (anslag).",
                "Uttrekk fra NAVs og Skatteetatens trekkregistre",
            ),
        ),
        comments=(
            (
                "eier",
                "Henger tett sammen med FI-4 (trekk i ytelser fra NAV). Bør harmoniseres med "
                "det før vi går videre.",
            ),
        ),
    ),
    Spec(
        "Betalingsavtale for unge med sin første gjeld",
        "Unge voksne som får sitt første krav fra staten, for eksempel restskatt eller et "
        "gebyr, vet sjelden at de kan be om betalingsavtale. Mange venter til kravet har gått "
        "til tvangsinnkreving.",
        "Tilby betalingsavtale aktivt i den første regningen til personer under 25 år, med "
        "forslag til et månedlig beløp og avtale med ett klikk.",
        "Færre unge med betalingsanmerkninger og tvangstrekk, og krav som blir betalt.",
        Source.USER_INSIGHT,
        channel=Channel.SOUGHT_OUT,
        registered_by="fasilitator",
        organisations=("SKE",),
        days_ago=18,
        moves=((H, ""),),
        evidence=(
            (
                EvidenceKind.QUOTE,
                "«Jeg trodde ikke man kunne forhandle med staten.» — student, 21 år",
                "Innsiktsarbeid med unge voksne, Skatteetaten 2025",
            ),
        ),
    ),
    Spec(
        EFAKTURA,
        "Krav fra staten kommer i dag som papirbrev eller i Altinn og må betales manuelt med "
        "KID. Mange glemmer fristen, og purringer og gebyrer kommer i tillegg.",
        "Gjør det mulig å få alle krav fra staten som eFaktura i nettbanken og å betale faste "
        "avdrag med AvtaleGiro, slik folk gjør med strøm og forsikring.",
        "Flere krav betalt innen forfall, færre purringer og lavere kostnad per innkrevd krone.",
        Source.STAFF,
        proposer="eier",
        registered_by="eier",
        organisations=("SKE", "NAV", "DNB"),
        days_ago=52,
        moves=((H, ""), (A, "")),
        supporters=("bidragsyter", "programadmin", "fasilitator"),
        evidence=(
            (
                EvidenceKind.DATA,
                "Av kravene som ble sendt med eFaktura i en pilot med 2 000 skyldnere, ble 78 % "
                "betalt innen forfall, mot 61 % av kravene sendt som brev.",
                "Pilot, Skatteetaten og Bits, 2024",
            ),
        ),
        comments=(
            (
                "programadmin",
                "Bankene er positive, men vi må avklare hvem som betaler for "
                "eFaktura-utsendelsene.",
            ),
            ("bidragsyter", "NAV har de samme behovene for tilbakekrevingskrav."),
        ),
        reviews=(
            Review("bidragsyter", -20, potential=(4, 4, 4, 3, 3), complexity=(2, 2, 2, 3, 2)),
            Review("leser", -15, potential=(5, 4, 3, 4, 3), complexity=(2, 3, 1, 2, 2)),
            Review("forum", -3),
        ),
    ),
    Spec(
        "Statens krav meldt i konkursboet automatisk",
        "Når en virksomhet går konkurs, leses kunngjøringene i dag manuelt, og statens krav "
        "meldes ofte sent i boet. Bostyrer må purre opplysninger fra flere etater.",
        "Bruk hendelsene fra Konkursregisteret til å melde alle statlige krav i boet "
        "automatisk, samlet og før fristdagen, gjennom et API bostyrer kan bruke.",
        "Mer av statens krav dekket i konkursbo og mindre manuelt arbeid for bostyrere og etater.",
        Source.SUPPLIER,
        channel=Channel.API,
        outside=Outside("Anders Lie", "anders.lie@example.com"),
        organisations=("BRREG", "SKE"),
        life_events=("starte-og-drive-bedrift",),
        days_ago=40,
        moves=((H, ""), (A, "")),
        reviews=(Review("eier", 12),),
    ),
    Spec(
        "Maskinlæring for å finne dem som trenger tidlig kontakt",
        "De som ender i tvangsinnkreving, har ofte vist tegn til betalingsproblemer lenge "
        "før: flere små krav, avtaler som brytes, endringer i inntekt.",
        "Bruk en forklarbar modell til å peke ut hvem som bør få tidlig kontakt og tilbud om "
        "avtale, med saksbehandler som tar beslutningen.",
        "Færre i alvorlige betalingsproblemer; innsatsen settes inn der den virker.",
        Source.RESEARCH,
        proposer="programadmin",
        registered_by="programadmin",
        organisations=("SKE", "NAV"),
        life_events=("miste-og-finne-jobb",),
        days_ago=33,
        moves=((H, ""), (A, "")),
        evidence=(
            (
                EvidenceKind.STUDY,
                "Tidlig kontakt halverte andelen som gikk til tvangsinnkreving i en "
                "kontrollert forsøksordning.",
                "Rapport fra Skatteetatens analyseavdeling, 2024",
            ),
        ),
    ),
    Spec(
        "Betalingsevne delt med samtykke i NAV-veiledningen",
        "NAV-veiledere som hjelper brukere med økonomi, må be om utskrifter fra flere etater "
        "for å se hva brukeren kan betale, og brukeren må hente dem selv.",
        "Med brukerens samtykke henter veilederen inntekt, gjeld og avtaler fra Skatteetaten "
        "direkte, slik bankene gjør i den samtykkebaserte lånesøknaden.",
        "Raskere og riktigere økonomisk rådgivning, og betalingsavtaler som holder.",
        Source.RESEARCH,
        proposer="eier",
        registered_by="eier",
        organisations=("NAV", "SKE"),
        life_events=("miste-og-finne-jobb",),
        days_ago=75,
        moves=((H, ""), (A, ""), (R, "")),
        # Assessed and given a track before it went on: "ready" needs both (or a reason).
        reviews=(
            Review("bidragsyter", -50, potential=(5, 4, 4, 4, 3), complexity=(4, 4, 5, 3, 4)),
            Review("leser", -45, potential=(4, 4, 5, 3, 4), complexity=(4, 5, 4, 4, 3)),
        ),
        track=(
            Track.STRATEGIC,
            "Endrer ansvarsdelingen mellom NAV og Skatteetaten og krever hjemmel for deling; "
            "må inn i styringsdialogen med begge departementene.",
        ),
        supporters=("bidragsyter",),
    ),
    Spec(
        "Chatbot for spørsmål om restskatt",
        "I ukene etter skatteoppgjøret får Skatteetaten mange like spørsmål om restskatt og "
        "betalingsfrister.",
        "En chatbot på skatteetaten.no som svarer på de vanligste spørsmålene og kan sette "
        "opp en betalingsavtale.",
        "Kortere ventetid på telefon i høysesongen.",
        Source.NEW_TECHNOLOGY,
        proposer="bidragsyter",
        registered_by="bidragsyter",
        organisations=("SKE",),
        days_ago=90,
        moves=((H, ""), (Stage.PARKED, "")),
    ),
    Spec(
        "Egen app for innkreving",
        "Mange bruker mobilen til alt, men statens krav finnes bare i brev og i Altinn.",
        "En egen app fra Skatteetaten der man ser og betaler krav.",
        "Enklere for brukere som foretrekker mobil.",
        Source.STAFF,
        proposer="programadmin",
        registered_by="programadmin",
        organisations=("SKE",),
        days_ago=60,
        moves=((H, ""), (Stage.REJECTED, "")),
    ),
    Spec(
        "Betale statlige krav med eFaktura i nettbanken",
        "Det er tungvint å betale krav fra staten: man må taste inn KID og kontonummer fra "
        "et brev.",
        "Send kravene som eFaktura, så de dukker opp i nettbanken og kan godkjennes der.",
        "Flere betaler i tide.",
        Source.STAFF,
        proposer="programadmin",
        registered_by="programadmin",
        organisations=("SKE",),
        days_ago=45,
        supporters=("bidragsyter",),
        merge_into=EFAKTURA,
        merge_note="Samme forslag som eFaktura og AvtaleGiro for alle krav; følges opp der.",
    ),
    Spec(
        "Én henvendelse om statlig gjeld etter dødsfall",
        "Etterlatte må i dag kontakte hver kravhaver for å finne ut om avdøde hadde gjeld til "
        "staten, og får svar til ulik tid. Det forsinker skiftet.",
        "Ett samlet svar om all statlig gjeld i dødsboet, hentet fra kravhaverne på én "
        "forespørsel, og varsel til arvingene når kravene er avklart.",
        "Raskere skifte, færre henvendelser og færre krav som blir glemt.",
        Source.OTHER_AGENCY,
        channel=Channel.SOUGHT_OUT,
        outside=Outside("Hanne Vik", "hanne.vik@example.com"),
        registered_by="fasilitator",
        organisations=("SKE", "NAV", "Digdir"),
        life_events=("dodsfall-og-arv",),
        days_ago=9,
    ),
)

# The side exits' reasons (the proposer is told a rejection's).
REASONS = {
    "Chatbot for spørsmål om restskatt": (
        "Venter på Digdirs felles løsning for chat i offentlig sektor; tas opp igjen når den "
        "er på plass, tidligst høsten 2026."
    ),
    "Egen app for innkreving": (
        "Programmet skal møte brukerne der de allerede er – i nettbanken, på NAV.no og i "
        "Altinn – og ikke lage en ny app. Behovet for å se og betale krav på mobilen dekkes "
        "av forslaget om eFaktura og AvtaleGiro og av gjeldsoversikten (FI-2)."
    ),
}


@contextlib.contextmanager
def _silent() -> Iterator[None]:
    """No e-mail while the demo loads: its addresses are invented."""
    send = notify._send
    notify._send = lambda messages: None  # type: ignore[assignment]
    try:
        yield
    finally:
        notify._send = send  # type: ignore[assignment]


def _scores(criteria: list[Any], review: Review) -> dict[int, int]:
    values: dict[int, int] = {}
    for dimension, given in (
        (Dimension.POTENTIAL, review.potential),
        (Dimension.COMPLEXITY, review.complexity),
    ):
        mine = [c for c in criteria if c.dimension == dimension]
        for k, criterion in enumerate(mine):
            steps = criterion.scale_values
            value = given[k % len(given)]
            values[criterion.pk] = min(max(value, min(steps)), max(steps))
    return values


def _assess(
    spec: Spec, proposal: Proposal, users: dict[str, User], criteria: list[Any], today: dt.date
) -> int:
    """The spec's track and assessors (with their submitted scores); objects created."""
    facilitator = users["fasilitator"]
    created = 0
    if spec.track:
        services.track_set(
            proposal=proposal, track=spec.track[0], reason=spec.track[1], acting_user=facilitator
        )
    for review in spec.reviews:
        if review.assessor not in users:
            continue
        asked = assessment.assessor_request(
            proposal=proposal,
            assessor=users[review.assessor],
            due=today + dt.timedelta(days=review.due),
            acting_user=facilitator,
        )
        created += 1
        if review.potential and review.complexity:
            asked.proposal = proposal
            assessment.assessment_save(
                assessment=asked,
                scores=_scores(criteria, review),
                comment="",
                submit=True,
                acting_user=users[review.assessor],
            )
    return created


def _proposal(
    spec: Spec,
    programme: Programme,
    users: dict[str, User],
    orgs: dict[str, Organisation],
    events: dict[str, LifeEvent],
    criteria: list[Any],
    today: dt.date,
) -> int:
    """Create one proposal with its story; returns the number of objects created."""
    facilitator = users["fasilitator"]
    registered_by = users.get(spec.registered_by or "")
    acting: Actor
    if registered_by is not None:
        acting = registered_by
    elif spec.channel == Channel.PUBLIC:
        acting = PublicProposer(programme_id=programme.pk)
    else:
        acting = DEMO  # "registered" through the API or by a system
    data: dict[str, Any] = {
        "title": spec.title,
        "need": spec.need,
        "idea": spec.idea,
        "expected_benefits": spec.benefits,
        "source": spec.source,
    }
    if spec.proposer:
        data["proposer"] = users[spec.proposer]
    if spec.outside:
        data |= {"proposer_name": spec.outside.name, "proposer_email": spec.outside.email}
    proposal, _token = services.proposal_submit(
        programme=programme,
        data=data,
        channel=spec.channel,
        affected_organisations=[orgs[o] for o in spec.organisations if o in orgs],
        life_events=[events[e] for e in spec.life_events if e in events],
        consent=spec.outside is not None,
        acting_user=acting,
    )
    created = 1
    for username in spec.supporters:
        if username in users:
            services.support_set(proposal=proposal, supported=True, acting_user=users[username])
            created += 1
    for kind, text, source in spec.evidence:
        services.evidence_add(
            proposal=proposal,
            kind=kind,
            text=text,
            source=source,
            acting_user=registered_by or facilitator,
        )
        created += 1
    for username, text in spec.comments:
        services.comment_add(proposal=proposal, text=text, acting_user=users[username])
        created += 1
    assessed = False
    for stage, reason in spec.moves:
        if stage == Stage.READY and not assessed:
            # Assessed (and given a track) before it goes on, as the flow requires.
            created += _assess(spec, proposal, users, criteria, today)
            assessed = True
        services.proposal_move(
            proposal=proposal,
            to=stage,
            reason=reason or REASONS.get(spec.title, ""),
            acting_user=facilitator,
        )
    if spec.merge_into:
        into = Proposal.objects.filter(programme=programme, title=spec.merge_into).first()
        if into is not None:
            services.proposal_merge(
                proposal=proposal, into=into, note=spec.merge_note, acting_user=facilitator
            )
    if spec.attach_to:
        initiative = Initiative.objects.filter(programme=programme, code=spec.attach_to).first()
        if initiative is not None:
            services.proposal_attach(
                proposal=proposal,
                initiative=initiative,
                note=spec.merge_note,
                acting_user=facilitator,
            )
    if not assessed:
        created += _assess(spec, proposal, users, criteria, today)
    # Received some time ago (last: every save above would write the old value back).
    received = timezone.now() - dt.timedelta(days=spec.days_ago)
    Proposal.objects.filter(pk=proposal.pk).update(created_at=received)
    return created


@transaction.atomic
def load_proposals_demo(*, today: dt.date | None = None) -> int:
    """Load the demo proposals that are missing; return the number of objects created (0
    when everything is there). Run after the portfolio and benefits demos."""
    programme = Programme.objects.filter(slug=FI).first()
    if programme is None:
        return 0
    existing = set(Proposal.objects.filter(programme=programme).values_list("title", flat=True))
    missing = [spec for spec in PROPOSALS if spec.title not in existing]
    # The programme got its defaults when it was created; this is for an older database.
    created = programme_defaults_create(programme=programme, acting_user=DEMO)
    if not missing:
        return created
    today = today or timezone.localdate()
    names = {"fasilitator", "eier", "bidragsyter", "forum", "leser", "programadmin"}
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if "fasilitator" not in users:
        return created
    orgs = {o.short_name: o for o in Organisation.objects.exclude(short_name="")}
    events = {e.slug: e for e in LifeEvent.objects.all()}
    criteria = assessment.criteria_for(programme=programme)
    with _silent():
        # Oldest first, so the numbers follow the dates (and a merge finds its target).
        for spec in sorted(missing, key=lambda spec: -spec.days_ago):
            if spec.proposer and spec.proposer not in users:
                continue
            created += _proposal(spec, programme, users, orgs, events, criteria, today)
    return created
