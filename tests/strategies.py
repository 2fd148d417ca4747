"""Hypothesis strategies: random reports that satisfy every identity of their form.

Written from the spec's identities directly (not from nianbao's expansion of them), so the
property tests check the implementation against an independent oracle.
"""

from __future__ import annotations

from hypothesis import strategies as st

APPLICANTS = ["natural", "commercial", "research", "social", "legal", "other"]
WITHHELD = ["state_secret", "prohibited_by_law", "security_stability", "third_party_rights",
            "internal_affairs", "process_info", "enforcement_files", "administrative_query"]
UNABLE = ["not_held", "needs_creation", "unclear_after_correction"]
NOT_PROCESSED = ["petition_complaint", "duplicate", "publications", "excessive_repeated", "confirm_or_reissue"]
OTHER_2021 = ["no_correction_overdue", "fee_unpaid_overdue", "other"]
APPEAL_GROUPS = ["review", "litigation_direct", "litigation_after_review"]
APPEAL_PARTS = ["upheld", "corrected", "other", "pending"]

small = st.integers(min_value=0, max_value=500)


def outcome_leaves(form: str) -> list[tuple[str, ...]]:
    leaves = [("disclosed",), ("partially_disclosed",)]
    leaves += [("withheld", k) for k in WITHHELD]
    leaves += [("unable", k) for k in UNABLE]
    leaves += [("not_processed", k) for k in NOT_PROCESSED]
    leaves += [("other", k) for k in OTHER_2021] if form == "2021" else [("other",)]
    return leaves


def table3_rows(form: str) -> list[tuple[str, ...]]:
    """Every leaf row path of table 3, as the spec lists them."""
    return [("new",), ("carried_over",)] + [("outcomes",) + p for p in outcome_leaves(form)] + [
        ("outcomes", "total"), ("carried_forward",)]


def _set(doc: dict, path: tuple[str, ...], value) -> None:
    node = doc
    for k in path[:-1]:
        node = node.setdefault(k, {})
    node[path[-1]] = value


@st.composite
def consistent_reports(draw, form: str | None = None) -> dict:
    form = form or draw(st.sampled_from(["2019", "2021"]))
    year = draw(st.integers(2019, 2020) if form == "2019" else st.integers(2021, 2030))
    doc: dict = {"form": form, "year": year, "agency": {"name": draw(st.text(min_size=1, max_size=20))}}
    # Table 2
    if form == "2021":
        active = doc.setdefault("active", {})
        for row in ("rules", "normative_documents"):
            stock, issued = draw(small), draw(small)  # last year's stock >= 0  =>  W1 holds
            repealed = draw(st.integers(0, stock + issued))
            active[row] = {"issued": issued, "repealed": repealed, "in_force": stock + issued - repealed}
        for row in ("licensing", "penalty", "enforcement"):
            doc["active"][row] = {"decisions": draw(small)}
        amount = draw(st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False))
        doc["active"]["fees"] = {"amount": float(amount)}
    else:
        active = doc.setdefault("active", {})
        for row in ("rules", "normative_documents"):
            new_published = draw(small)
            active[row] = {"new_made": draw(small), "new_published": new_published,
                           "total_published": new_published + draw(small)}  # W2 holds
        for row in ("licensing", "other_services", "penalty", "enforcement", "fees"):
            prev = draw(small)
            change = draw(st.integers(-prev, 500))  # W3 holds
            active[row] = {"prev_items": prev, "change": change}
            if row != "fees":
                active[row]["decisions"] = draw(small)
        amount = draw(st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False))
        active["procurement"] = {"items": draw(small), "amount": float(amount)}
    # Table 3, column by column: I1 and I2 by construction, then I3 across.
    apps: dict = {}
    for col in APPLICANTS:
        total = 0
        for leaf in outcome_leaves(form):
            v = draw(st.integers(0, 50))
            _set(apps, ("outcomes",) + leaf + (col,), v)
            total += v
        _set(apps, ("outcomes", "total", col), total)
        forward = draw(st.integers(0, 50))
        carried = draw(st.integers(0, total + forward))
        _set(apps, ("carried_forward", col), forward)
        _set(apps, ("carried_over", col), carried)
        _set(apps, ("new", col), total + forward - carried)
    for row in table3_rows(form):
        node = apps
        for k in row:
            node = node[k]
        node["total"] = sum(node[c] for c in APPLICANTS)
    doc["applications"] = apps
    # Table 4: I4
    doc["appeals"] = {}
    for group in APPEAL_GROUPS:
        parts = {k: draw(st.integers(0, 20)) for k in APPEAL_PARTS}
        doc["appeals"][group] = {**parts, "total": sum(parts.values())}
    return doc


def identities_involving(form: str, path: tuple[str, ...]) -> set[tuple[str, str]]:
    """The error identities (rule, scope) a cell takes part in, straight from the spec:
    I1/I2 per column of table 3, I3 per row of table 3, I4 per group of table 4."""
    out: set[tuple[str, str]] = set()
    table = path[0]
    if table == "applications":
        row, col = path[1:-1], path[-1]
        if row in {("new",), ("carried_over",), ("outcomes", "total"), ("carried_forward",)}:
            out.add(("I1", col))
        if row[0] == "outcomes":
            out.add(("I2", col))
        out.add(("I3", "/".join(row)))
    elif table == "appeals":
        out.add(("I4", path[1]))
    return out
