"""Layouts for the benefits map and the flow chart, computed here and drawn by templates as
inline SVG: no chart library, no inline style (the CSP forbids it), and every figure is also
in a table or list on the same page.

Pure functions of the selectors' output (``analysis.BenefitsMap`` and ``analysis.Flows``);
they return plain dicts of rounded coordinates and ready-made texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .common import UNTIED
from .flows import Flows
from .map import BenefitsMap

# ---------------------------------------------------------------------------------------------
# Shared helpers


def shorten(text: str, limit: int) -> str:
    """Cut a label to ``limit`` characters with an ellipsis (the full text goes in a title)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def spread(desired: Sequence[float], step: float, top: float, bottom: float) -> list[float]:
    """Positions as close as possible to ``desired`` (in order), at least ``step`` apart and
    within [top, bottom − step]: pushed down where they crowd, then pulled up from the bottom."""
    placed: list[float] = []
    for wish in desired:
        placed.append(max(wish, top if not placed else placed[-1] + step))
    limit = bottom - step
    for index in range(len(placed) - 1, -1, -1):
        placed[index] = min(placed[index], limit)
        limit = placed[index] - step
    return placed


def nok(value: float) -> str:
    """Whole NOK with the language's thousands separator."""
    return number_format(round(value), 0, force_grouping=True)


def _r(value: float) -> float:
    return round(value, 1)


# ---------------------------------------------------------------------------------------------
# The benefits map: four columns, from initiatives on the left to societal goals on the right

MAP_NODE = (210, 46)  # width, height of a box
MAP_GAP = 12  # between boxes in a column
MAP_COLUMN_GAP = 84  # between columns, where the links run
MAP_TOP = 34  # room for the column headings
MAP_LABEL = 29  # characters that fit on a box's first line
MAP_SUBLABEL = 32  # characters that fit on its second line


def _map_node(
    key: str, kind: str, title: str, sub: str, url: str, description: str, **extra: Any
) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind,
        "label": shorten(title, MAP_LABEL),
        "sub": shorten(sub, MAP_SUBLABEL),
        "url": url,
        "description": description,
        **extra,
    }


def map_layout(data: BenefitsMap, *, slug: str) -> dict[str, Any] | None:
    """Boxes and links of the map, laid out in layers: benefits stacked in the order of the
    goals they serve, every other box as near the middle of its neighbours as room allows."""
    if not data.benefit_count and not data.idle:
        return None
    width, height = MAP_NODE
    step = height + MAP_GAP
    goal_list = reverse("portfolio:initiative_list", kwargs={"slug": slug})

    societal, impacts, benefits = [], [], []
    edges: list[tuple[str, str, float | None]] = []
    for branch in data.branches:
        if branch.goal is not None:
            goal = branch.goal
            societal.append(
                _map_node(
                    f"g-{goal.pk}",
                    "societal",
                    f"{goal.code} {goal.title}",
                    _("Societal goal"),
                    f"{goal_list}?goal={goal.pk}",
                    _("%(goal)s – societal goal") % {"goal": f"{goal.code} {goal.title}"},
                )
            )
        for impact in branch.impacts:
            goal = impact.goal
            impacts.append(
                _map_node(
                    f"g-{goal.pk}",
                    "impact",
                    f"{goal.code} {goal.title}",
                    _("Impact goal"),
                    f"{goal_list}?goal={goal.pk}",
                    _("%(goal)s – impact goal") % {"goal": f"{goal.code} {goal.title}"},
                )
            )
            if branch.goal is not None:
                edges.append((f"g-{goal.pk}", f"g-{branch.goal.pk}", None))
            benefits.extend((benefit, f"g-{goal.pk}") for benefit in impact.benefits)
    if data.unlinked:
        impacts.append(
            _map_node(
                "g-none",
                "none",
                _("No impact goal"),
                _("Benefits not linked to a goal"),
                "#map-unlinked",
                _("No impact goal – benefits not linked to a goal"),
            )
        )
        benefits.extend((benefit, "g-none") for benefit in data.unlinked)

    benefit_nodes = []
    initiatives: dict[int, Any] = {}
    links: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for index, (benefit, goal_key) in enumerate(benefits):
        place = benefit.arises_in or _("place not recorded")
        benefit_nodes.append(
            _map_node(
                f"b-{benefit.pk}",
                "benefit",
                f"{benefit.code} {benefit.title}",
                _("Arises in %(place)s") % {"place": place},
                benefit.get_absolute_url(),
                _("%(benefit)s – benefit, arises in %(place)s")
                % {"benefit": f"{benefit.code} {benefit.title}", "place": place},
            )
        )
        edges.append((f"b-{benefit.pk}", goal_key, None))
        for contribution in benefit.map_contributions:
            initiatives.setdefault(contribution.initiative_id, contribution.initiative)
            links[contribution.initiative_id].append((index, float(contribution.share)))
            edges.append(
                (f"i-{contribution.initiative_id}", f"b-{benefit.pk}", float(contribution.share))
            )

    # Rows: the tallest column fills the height; the benefits column is the anchor.
    n_rows = max(len(initiatives) + len(data.idle), len(benefits), len(impacts), len(societal))
    bottom = MAP_TOP + n_rows * step
    top_benefits = MAP_TOP + (n_rows - len(benefits)) * step / 2
    benefit_y = [top_benefits + i * step for i in range(len(benefits))]

    def centre(ys: list[float]) -> float:
        return sum(ys) / len(ys) if ys else bottom

    ordered = sorted(
        initiatives, key=lambda pk: (centre([benefit_y[i] for i, _s in links[pk]]), pk)
    )
    initiative_nodes = [_initiative_node(initiatives[pk], slug, idle=False) for pk in ordered] + [
        _initiative_node(i, slug, idle=True) for i in data.idle
    ]
    initiative_y = spread(
        [centre([benefit_y[i] for i, _s in links[pk]]) for pk in ordered]
        + [bottom] * len(data.idle),
        step,
        MAP_TOP,
        bottom,
    )
    # Goals sit at the middle of the boxes linked to them.
    impact_y = _towards(impacts, benefit_nodes, benefit_y, edges, step, bottom)
    societal_y = _towards(societal, impacts, impact_y, edges, step, bottom)

    columns = [
        (initiative_nodes, initiative_y),
        (benefit_nodes, benefit_y),
        (impacts, impact_y),
        (societal, societal_y),
    ]
    position: dict[str, tuple[float, float]] = {}
    nodes = []
    for column, (column_nodes, ys) in enumerate(columns):
        x = column * (width + MAP_COLUMN_GAP)
        for node, y in zip(column_nodes, ys, strict=True):
            node.update(x=x, y=_r(y), text_x=x + 10, text_y=_r(y + 19), sub_y=_r(y + 36))
            position[node["key"]] = (x, y)
            nodes.append(node)
    return {
        "width": 3 * (width + MAP_COLUMN_GAP) + width,
        "height": _r(bottom),
        "node_width": width,
        "node_height": height,
        "headings": [
            {"x": column * (width + MAP_COLUMN_GAP), "text": text}
            for column, text in enumerate(
                [_("Initiatives"), _("Benefits"), _("Impact goals"), _("Societal goals")]
            )
        ],
        "nodes": nodes,
        "edges": [
            _map_edge(source, target, share, position)
            for source, target, share in edges
            if source in position and target in position
        ],
    }


def _initiative_node(initiative: Any, slug: str, *, idle: bool) -> dict[str, Any]:
    name = f"{initiative.code} {initiative.title}"
    owner = initiative.owner_organisation.label
    description = (
        _("%(initiative)s – initiative owned by %(owner)s, contributes to no benefit")
        if idle
        else _("%(initiative)s – initiative owned by %(owner)s")
    ) % {"initiative": name, "owner": owner}
    return _map_node(
        f"i-{initiative.pk}",
        "idle" if idle else "initiative",
        name,
        _("No benefits: %(owner)s") % {"owner": owner} if idle else owner,
        reverse("portfolio:initiative", kwargs={"slug": slug, "code": initiative.code}),
        description,
    )


def _towards(
    nodes: list[dict[str, Any]],
    sources: list[dict[str, Any]],
    source_y: list[float],
    edges: list[tuple[str, str, float | None]],
    step: float,
    bottom: float,
) -> list[float]:
    """Place ``nodes`` (already in a crossing-free order) at the middle of the boxes in the
    previous column that link to them."""
    y_of = {node["key"]: y for node, y in zip(sources, source_y, strict=True)}
    incoming: dict[str, list[float]] = defaultdict(list)
    for source, target, _share in edges:
        if source in y_of:
            incoming[target].append(y_of[source])
    desired = []
    for node in nodes:
        ys = incoming.get(node["key"])
        desired.append(sum(ys) / len(ys) if ys else (desired[-1] if desired else MAP_TOP))
    return spread(desired, step, MAP_TOP, bottom)


def _map_edge(
    source: str, target: str, share: float | None, position: dict[str, tuple[float, float]]
) -> dict[str, Any]:
    width, height = MAP_NODE
    (x1, y1), (x2, y2) = position[source], position[target]
    x1, y1, y2 = x1 + width, y1 + height / 2, y2 + height / 2
    middle = (x1 + x2) / 2
    return {
        "source": source,
        "target": target,
        "d": f"M {_r(x1)} {_r(y1)} C {_r(middle)} {_r(y1)}, {_r(middle)} {_r(y2)}, "
        f"{_r(x2)} {_r(y2)}",
        # Links from initiatives are as thick as their attributed share.
        "stroke_width": _r(1 + 5 * share / 100) if share is not None else 1.5,
        "share": share,
        "unlinked": target == "g-none",
    }


# ---------------------------------------------------------------------------------------------
# Who pays, who benefits: a Sankey diagram from payers (left) to places of arising (right)

SANKEY_WIDTH = 900
SANKEY_BAR = 14  # width of a node's bar
SANKEY_LABELS = 250  # room for the labels on each side
SANKEY_GAP = 30  # between the bars on one side
SANKEY_TOP = 30  # room for the side headings
SANKEY_LABEL = 24  # characters of a name that fit
SANKEY_COLOURS = 6  # payers' colours cycle through this many CSS classes


def sankey(flows: Flows) -> dict[str, Any] | None:
    """Bars for payers and places as tall as their present value, and bands between them as
    wide as each flow, ordered so that bands cross as little as the order of names allows."""
    left = [row for row in flows.rows if row.total > 0]
    right = [column for column in flows.columns if column.total > 0]
    if not left or not right or flows.total <= 0:
        return None
    rows = max(len(left), len(right))
    inner = max(240.0, rows * 36.0)  # height shared by the bars
    scale = inner / flows.total
    height = SANKEY_TOP + inner + SANKEY_GAP * (rows - 1) + 10
    x_left = SANKEY_LABELS
    x_right = SANKEY_WIDTH - SANKEY_LABELS - SANKEY_BAR

    def side(parties: list[Any], x: float, anchor: str) -> list[dict[str, Any]]:
        used = sum(p.total for p in parties) * scale + SANKEY_GAP * (len(parties) - 1)
        y = SANKEY_TOP + (height - 10 - SANKEY_TOP - used) / 2
        nodes = []
        for index, party in enumerate(parties):
            h = party.total * scale
            label = party.label or (_("Not tied to costs") if party.key == UNTIED else "")
            nodes.append(
                {
                    "key": party.key,
                    "x": x,
                    "y": _r(y),
                    "height": _r(max(h, 1)),
                    "text_x": x - 8 if anchor == "end" else x + SANKEY_BAR + 8,
                    "text_y": _r(y + h / 2),
                    "anchor": anchor,
                    "label": shorten(label, SANKEY_LABEL),
                    "amount": nok(party.total),
                    "colour": _colour(party.key, index),
                    "top": y,
                }
            )
            y += h + SANKEY_GAP
        return nodes

    left_nodes = side(left, x_left, "end")
    right_nodes = side(right, x_right, "start")
    # Bands leave a payer in the order of the places and reach a place in the order of payers.
    target_offset = {node["key"]: node["top"] for node in right_nodes}
    links = []
    x0, x1 = x_left + SANKEY_BAR, x_right
    middle = (x0 + x1) / 2
    for payer, node in zip(left, left_nodes, strict=True):
        source_y = node["top"]
        for place in right:
            value = flows.cells.get((payer.key, place.key), 0.0)
            if value <= 0:
                continue
            thickness = value * scale
            t = target_offset[place.key]
            s0, s1, t0, t1 = source_y, source_y + thickness, t, t + thickness
            links.append(
                {
                    "d": f"M {_r(x0)} {_r(s0)} C {_r(middle)} {_r(s0)}, {_r(middle)} {_r(t0)}, "
                    f"{_r(x1)} {_r(t0)} L {_r(x1)} {_r(t1)} C {_r(middle)} {_r(t1)}, "
                    f"{_r(middle)} {_r(s1)}, {_r(x0)} {_r(s1)} Z",
                    "colour": node["colour"],
                    "title": _("%(payer)s → %(place)s: NOK %(amount)s")
                    % {
                        "payer": payer.label or _("Not tied to costs"),
                        "place": place.label,
                        "amount": nok(value),
                    },
                }
            )
            source_y += thickness
            target_offset[place.key] = t + thickness
    return {
        "width": SANKEY_WIDTH,
        "height": _r(height),
        "bar_width": SANKEY_BAR,
        "left": left_nodes,
        "right": right_nodes,
        "links": links,
        "heading_left_x": x_left + SANKEY_BAR,
        "heading_right_x": x_right,
    }


def _colour(key: str, index: int) -> str:
    return "untied" if key == UNTIED else f"c{index % SANKEY_COLOURS}"
