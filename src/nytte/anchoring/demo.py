"""Demo anchoring data for Framtidens innkreving: stakeholders of the programme and of some
initiatives, checklist answers (one initiative well anchored, one half-way, one touching
municipal services without an answer on KS), leadership commitments and RACI roles.

Loading is idempotent: each row is looked up by its natural key and created only when
missing, through the services, as ``System("demo")``.
"""

from __future__ import annotations

import datetime as dt

from nytte.benefits.models import Benefit
from nytte.core.actors import System
from nytte.core.models import Organisation, Programme
from nytte.portfolio.models import Initiative
from nytte.proposals.models import Proposal

from . import services
from .choices import Topic
from .defaults import ensure_default_questions
from .models import AnchoringAnswer, LeadershipCommitment, RaciAssignment, Stakeholder

DEMO = System("demo")
FI = "framtidens-innkreving"

# (initiative code or "", org short name or "", group, name, contact role, influence,
#  interest, involvement, how, phases)
STAKEHOLDERS = [
    (
        "",
        "FIN",
        "",
        "",
        "Skatteavdelingen, ekspedisjonssjef",
        5,
        4,
        "collaborate",
        "Styringsdialog og felles forventning i tildelingsbrevene.",
        ["concept", "plan"],
    ),
    (
        "",
        "KS",
        "",
        "",
        "Fagleder digitalisering",
        4,
        3,
        "involve",
        "Høres tidlig der kommunale tjenester berøres; minst to ukers frist.",
        ["idea", "concept", "plan"],
    ),
    (
        "",
        "",
        "users",
        "Personer med gjeld til staten",
        "Brukerpanel",
        2,
        5,
        "consult",
        "Innsiktsintervjuer og brukertester i hver fase.",
        ["idea", "concept", "plan", "execute"],
    ),
    (
        "",
        "",
        "businesses",
        "Næringsdrivende med restanser",
        "",
        2,
        4,
        "consult",
        "Spørreundersøkelse via Altinn.",
        ["concept"],
    ),
    (
        "",
        "DNB",
        "",
        "",
        "Produktansvarlig nettbank",
        3,
        3,
        "involve",
        "Gjenbruk av gjeldsoversikten i bankens flater.",
        ["plan", "execute"],
    ),
    (
        "",
        "",
        "unions",
        "Arbeidstakerorganisasjonene i etatene",
        "Hovedtillitsvalgte",
        3,
        2,
        "inform",
        "Informasjon og drøfting etter hovedavtalen.",
        ["plan", "execute"],
    ),
    ("", "", "suppliers", "Leverandører av økonomisystemer", "", 2, 2, "inform", "", ["execute"]),
    (
        "FI-1",
        "NAV",
        "",
        "",
        "Ytelseslinjen, avdelingsdirektør",
        4,
        5,
        "collaborate",
        "Deltar i styringsgruppen.",
        ["plan", "execute"],
    ),
    (
        "FI-14",
        "Oslo",
        "",
        "",
        "Sosialtjenesten, økonomisk rådgivning",
        3,
        5,
        "involve",
        "",
        ["idea"],
    ),
]

# initiative -> (topic, status, comment)
ANSWERS = {
    "FI-1": [
        (Topic.PARTICIPANTS, "yes", "Deltakere og interessenter er kartlagt per fase."),
        (Topic.LEADERSHIP, "yes", "Forankret i ledermøtene i alle tre etatene."),
        (Topic.GUIDANCE, "yes", "Følger av tildelingsbrevet for 2024."),
        (Topic.KS, "not_relevant", "Ingen kommunale tjenester berøres."),
        (Topic.USERS, "partly", "Innsikt fra NAV-brukere; næringsdrivende mangler."),
        (Topic.BORDERING, "yes", "Avhengigheter til FI-4 er avklart."),
    ],
    "FI-2": [
        (Topic.PARTICIPANTS, "yes", ""),
        (Topic.LEADERSHIP, "partly", "NAV har ikke lagt arbeidet inn i virksomhetsplanen."),
        (Topic.USERS, "yes", "Brukertester med 24 personer med gjeld."),
    ],
    "FI-14": [
        (Topic.PARTICIPANTS, "partly", "Kommunene er ikke kartlagt ut over Oslo."),
    ],
}

# initiative -> (org short name, committed, document, reference, date, confirmed by)
COMMITMENTS = {
    "FI-1": [
        (
            "SKE",
            True,
            "allocation_letter",
            "Tildelingsbrev 2024, pkt. 3.2",
            dt.date(2024, 1, 15),
            "Skattedirektøren",
        ),
        (
            "NAV",
            True,
            "business_plan",
            "Virksomhetsplan 2025",
            dt.date(2025, 1, 10),
            "Arbeids- og velferdsdirektøren",
        ),
    ],
    "FI-2": [
        (
            "SKE",
            True,
            "governance_minutes",
            "Etatsstyringsmøte vår 2026",
            dt.date(2026, 3, 4),
            "Direktør innkreving",
        ),
        ("NAV", False, "", "", None, ""),
    ],
}

# (initiative code, benefit code) -> (org short name, person or role, letter)
RACI = {
    ("FI-1", ""): [
        ("SKE", "Divisjonsdirektør innkreving (prosjekteier)", "A"),
        ("SKE", "Prosjektleder", "R"),
        ("NAV", "Avdelingsdirektør ytelseslinjen", "C"),
        ("BRREG", "Seksjonssjef Regnskapsregisteret", "I"),
    ],
    ("", "G-01"): [("NAV", "Direktør ytelseslinjen", "A"), ("SKE", "Prosjektleder FI-1", "R")],
}


def load_anchoring_demo() -> int:
    """Load what is missing; return how many objects were created."""
    programme = Programme.objects.filter(slug=FI).first()
    if programme is None:
        return 0
    created = int(ensure_default_questions(programme, acting_user=DEMO)) * 6
    orgs = {o.short_name: o for o in Organisation.objects.exclude(short_name="")}
    initiatives = {i.code: i for i in Initiative.objects.filter(programme=programme)}
    for code, org, group, name, role, influence, interest, how, note, phases in STAKEHOLDERS:
        initiative = initiatives.get(code) if code else None
        if (code and initiative is None) or (org and org not in orgs):
            continue
        exists = Stakeholder.objects.filter(
            programme=programme,
            initiative=initiative,
            organisation=orgs.get(org) if org else None,
            name=name,
        ).exists()
        if not exists:
            services.stakeholder_create(
                programme=programme,
                data={
                    "initiative": initiative,
                    "organisation": orgs.get(org) if org else None,
                    "group": group,
                    "name": name,
                    "contact_role": role,
                    "influence": influence,
                    "interest": interest,
                    "involvement": how,
                    "involvement_note": note,
                    "phases": phases,
                },
                acting_user=DEMO,
            )
            created += 1
    questions = {q.topic: q for q in programme.anchoring_questions.filter(retired=False)}
    for code, answers in ANSWERS.items():
        initiative = initiatives.get(code)
        if initiative is None:
            continue
        for topic, status, comment in answers:
            question = questions.get(topic)
            if (
                question is None
                or AnchoringAnswer.objects.filter(question=question, initiative=initiative).exists()
            ):
                continue
            services.answer_save(
                subject=initiative,
                question=question,
                answer=services.AnswerData(status, comment, dt.date(2026, 5, 20)),
                acting_user=DEMO,
            )
            created += 1
    for code, rows in COMMITMENTS.items():
        initiative = initiatives.get(code)
        if initiative is None:
            continue
        for org, committed, document, reference, date, who in rows:
            if (
                org not in orgs
                or LeadershipCommitment.objects.filter(
                    initiative=initiative, organisation=orgs[org]
                ).exists()
            ):
                continue
            services.commitment_save(
                subject=initiative,
                organisation=orgs[org],
                data={
                    "committed": committed,
                    "document": document,
                    "reference": reference,
                    "committed_on": date,
                    "confirmed_by": who,
                },
                acting_user=DEMO,
            )
            created += 1
    created += _raci(programme, initiatives, orgs)
    created += _proposal(programme, questions)
    return created


def _raci(programme: Programme, initiatives: dict, orgs: dict) -> int:
    created = 0
    benefits = {b.code: b for b in Benefit.objects.filter(programme=programme)}
    for (code, benefit_code), rows in RACI.items():
        subject = initiatives.get(code) if code else benefits.get(benefit_code)
        if subject is None:
            continue
        key = "initiative" if code else "benefit"
        for org, person, letter in rows:
            if (
                org not in orgs
                or RaciAssignment.objects.filter(
                    **{key: subject}, organisation=orgs[org], person=person, letter=letter
                ).exists()
            ):
                continue
            services.raci_create(
                subject=subject,
                organisation=orgs[org],
                person=person,
                letter=letter,
                acting_user=DEMO,
            )
            created += 1
    return created


def _proposal(programme: Programme, questions: dict) -> int:
    """The oldest proposal answers the first two questions."""
    proposal = Proposal.objects.filter(programme=programme).order_by("number").first()
    if proposal is None:
        return 0
    created = 0
    for topic, status, comment in [
        (Topic.PARTICIPANTS, "partly", "Berørte etater er kjent; brukerne er ikke spurt."),
        (Topic.GUIDANCE, "yes", "Svarer på digitaliseringsstrategien."),
    ]:
        question = questions.get(topic)
        if (
            question is None
            or AnchoringAnswer.objects.filter(question=question, proposal=proposal).exists()
        ):
            continue
        services.answer_save(
            subject=proposal,
            question=question,
            answer=services.AnswerData(status, comment, dt.date(2026, 5, 20)),
            acting_user=DEMO,
        )
        created += 1
    return created
