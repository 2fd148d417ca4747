"""The JSON Schemas are the contract: valid draft 2020-12 schemas, current with the form
declarations, covering every key of the spec's interchange format."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from nianbao.core.forms import FORMS
from nianbao.core.model import model
from nianbao.core.schema import schema_filename

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "data" / "interchange-format.md"


def schema_file(form: str) -> dict:
    return json.loads((ROOT / "schemas" / schema_filename(form)).read_text(encoding="utf-8"))


@pytest.mark.parametrize("form", FORMS)
def test_schema_files_are_valid_2020_12_schemas_with_an_id(form):
    schema = schema_file(form)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"report-{form}.schema.json")
    assert schema["properties"]["form"]["const"] == form


def test_schema_files_are_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_schemas.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("form", FORMS)
def test_titles_are_official_labels_and_every_cell_is_described(form):
    schema = schema_file(form)
    for cell in model(form).cells:
        node = schema
        for key in cell.path:
            node = node["properties"][key]
        assert node["title"] == cell.column.label
        assert cell.row is None or cell.row.label in node["description"]
        assert node["type"] in ("integer", "number")
    t3 = schema["properties"]["applications"]
    assert t3["title"] == "三、收到和处理政府信息公开申请情况"
    assert t3["properties"]["outcomes"]["properties"]["withheld"]["title"] == "（三）不予公开"


def spec_interchange_example() -> dict:
    text = SPEC.read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, re.S).group(1)
    return json.loads(block)


def keys_of(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "…":
                continue
            yield path + (k,)
            yield from keys_of(v, path + (k,))


def test_every_key_of_the_spec_example_is_in_the_2021_schema():
    schema = schema_file("2021")
    example = spec_interchange_example()
    assert len(list(keys_of(example))) > 40
    for path in keys_of(example):
        node = schema
        for key in path:
            assert key in node["properties"], f"{'/'.join(path)} missing from the schema"
            node = node["properties"][key]


def test_form_2019_keys_named_by_the_spec_are_in_its_schema():
    props = schema_file("2019")["properties"]
    active = props["active"]["properties"]
    for row in ("rules", "normative_documents"):
        assert list(active[row]["properties"]) == ["new_made", "new_published", "total_published"]
    for row in ("licensing", "other_services", "penalty", "enforcement"):
        assert list(active[row]["properties"]) == ["prev_items", "change", "decisions"]
    assert list(active["fees"]["properties"]) == ["prev_items", "change"]
    assert list(active["procurement"]["properties"]) == ["items", "amount"]
    other = props["applications"]["properties"]["outcomes"]["properties"]["other"]
    assert list(other["properties"]) == ["natural", "commercial", "research", "social", "legal", "other", "total"]
    assert props["meta"]["properties"]["procurement_amount_unit"]["enum"] == ["万元", "元"]


def test_every_spec_interchange_example_validates_as_a_whole_report():
    """The spec's example (with its placeholders filled) passes the schema."""
    from nianbao.core.report import new_report

    doc = new_report("2021", 2021, {"name": "尚志市卫生健康局"}, fill=0)
    validator = jsonschema.Draft202012Validator(schema_file("2021"))
    assert list(validator.iter_errors(doc)) == []
    doc["applications"]["new"]["natural"] = None
    assert [e.validator for e in validator.iter_errors(doc)] == ["type"]


def test_both_engines_agree_on_the_schema_files():
    import jsonschema_rs

    from nianbao.core.report import new_report

    for form in FORMS:
        schema = schema_file(form)
        fast = jsonschema_rs.validator_for(schema)
        slow = jsonschema.Draft202012Validator(schema)
        good = new_report(form, None, {"name": "x"}, fill=0)
        bad = new_report(form, None, {"name": "x"}, fill=None)
        wrong = new_report(form, None, {"name": "x"}, fill=-1)
        for doc, ok in ((good, True), (bad, False), (wrong, False)):
            assert fast.is_valid(doc) is ok
            assert slow.is_valid(doc) is ok


# --- schema errors: jsonschema-rs, checked against python-jsonschema ------------------------------

import copy  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from strategies import consistent_reports  # noqa: E402

from nianbao.core.schema import SchemaError, schema, schema_findings, translate  # noqa: E402

BREAKS = ["delete", "null", "text", "negative", "fraction", "extra", "bool", "object"]


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    else:
        yield path


def _python_findings(document: dict, form: str) -> set:
    """The same translators over python-jsonschema's errors: the reference."""
    out = []
    for e in jsonschema.Draft202012Validator(schema(form)).iter_errors(document):
        out.append(SchemaError(e.validator, tuple(e.absolute_path), e.instance, e.validator_value, e.schema, e.message))
    return set(translate(out, form))


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    doc=consistent_reports(),
    breaks=st.lists(st.tuples(st.sampled_from(BREAKS), st.integers(0, 10**6)), min_size=1, max_size=6),
)
def test_schema_findings_from_jsonschema_rs_equal_python_jsonschemas(doc, breaks):
    doc = copy.deepcopy(doc)
    for how, n in breaks:
        leaves = [leaf for leaf in _leaves(doc) if leaf != ("form",)]  # the form picks the schema
        path = leaves[n % len(leaves)]
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        key = path[-1]
        if how == "delete":
            del parent[key]
        elif how == "extra":
            parent[f"多余{n}"] = 1
        else:
            broken = {"null": None, "text": "十", "negative": -n - 1, "fraction": 0.5, "bool": True, "object": {}}
            parent[key] = broken[how]
    if isinstance(doc.get("agency"), dict):
        doc["agency"]["uscc"] = "bad code"  # invalid, whatever the breaks did
    form = doc["form"]
    fast = schema_findings(doc, form)
    assert fast
    assert len(fast) == len(set(fast)), "each finding once"
    assert set(fast) == _python_findings(doc, form)


def test_a_missing_item_is_reported_once(report):
    doc = report("anyang-2020")
    del doc["active"]["rules"]["new_made"], doc["active"]["rules"]["new_published"]
    missing = [f.pointer for f in schema_findings(doc, "2019") if f.rule == "MISSING"]
    assert missing == ["/active/rules/new_made", "/active/rules/new_published"]
