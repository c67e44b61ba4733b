"""Prompt templates: versions, labels, diff, render, and completions from a template."""

from __future__ import annotations

import pytest

from somaagent import BadRequestError, ConflictError, NotFoundError, SomaAgent, ValidationError

from support import MODEL, unique

NAME_SCHEMA = {"properties": {"name": {"type": "string", "minLength": 1}}, "required": ["name"]}


def test_versions_labels_diff_and_render(client: SomaAgent) -> None:
    name = unique("greeting")
    created = client.prompts.create(name=name, description="Greets", text="Hello {{ name }}!", variables=NAME_SCHEMA, labels=["staging"], note="first")
    assert created.name == name and created.latest_version == 1 and created.labels == {"staging": 1}
    assert created.version is not None and created.version.content_hash.startswith("sha256:")

    v2 = client.prompts.versions.create(name, text="Hi {{ name }}, welcome back.", variables=NAME_SCHEMA, note="warmer", labels=["production"])
    assert v2.version == 2 and v2.created is True and v2.note == "warmer"
    assert v2.labels is not None and [(label.label, label.version) for label in v2.labels] == [("production", 2)]
    same = client.prompts.versions.create(name, text="Hi {{ name }}, welcome back.", variables=NAME_SCHEMA)
    assert same.version == 2 and same.created is False

    assert [v.version for v in client.prompts.versions.list(name)] == [2, 1]
    one = client.prompts.versions.get(name, 1)
    assert one.text == "Hello {{ name }}!" and one.variables is not None
    template = client.prompts.get(name)
    assert template.latest is not None and template.latest.version == 2
    assert name in [t.name for t in client.prompts.list(limit=200)]

    diff = client.prompts.diff(name, from_=1, to=2)
    assert diff.from_ == 1 and diff.to == 2 and not diff.identical
    assert "-Hello {{ name }}!" in diff.template_diff and "+Hi {{ name }}, welcome back." in diff.template_diff

    rendered = client.prompts.render(name, variables={"name": "Ada"})
    assert rendered.version == 2 and rendered.text == "Hi Ada, welcome back." and rendered.type == "text"
    assert client.prompts.render(name, label="staging", variables={"name": "Ada"}).text == "Hello Ada!"
    assert client.prompts.render(name, version=1, variables={"name": "Bo"}).text == "Hello Bo!"

    rollback = client.prompts.labels.move(name, "production", version=1, expected_version=2, reason="rollback")
    assert rollback.previous_version == 2 and rollback.version == 1 and rollback.moved
    with pytest.raises(ConflictError) as stale:
        client.prompts.labels.move(name, "production", version=2, expected_version=2, max_retries=0)
    assert stale.value.code == "label_conflict"
    # expected_version=None: only if the label does not exist yet.
    assert client.prompts.labels.move(name, "canary", version=2, expected_version=None).moved
    removed = client.prompts.labels.delete(name, "staging", reason="retired")
    assert removed.version is None and removed.previous_version == 1
    history = client.prompts.labels.history(name, limit=10)
    assert (history[0].label, history[0].reason) == ("staging", "retired")
    assert any(e.reason == "rollback" and (e.from_version, e.to_version) == (2, 1) for e in history)


def test_chat_templates_render_to_messages(client: SomaAgent) -> None:
    name = unique("support")
    client.prompts.create(
        name=name,
        messages=[{"role": "system", "content": "You support {{ product }} customers."}, {"role": "user", "content": "{{ question }}"}],
        variables={"properties": {"product": {"type": "string"}, "question": {"type": "string"}}, "required": ["product", "question"]},
    )
    rendered = client.prompts.render(name, variables={"product": "Acme", "question": "Where is my order?"})
    assert rendered.type == "chat" and rendered.messages is not None
    assert [(m.role, m.content) for m in rendered.messages] == [("system", "You support Acme customers."), ("user", "Where is my order?")]


def test_invalid_variables_report_every_problem(client: SomaAgent) -> None:
    name = unique("strict")
    client.prompts.create(name=name, text="Hello {{ name }}", variables=NAME_SCHEMA)
    with pytest.raises(ValidationError) as caught:
        client.prompts.render(name, variables={"name": 42, "extra": True})
    assert caught.value.code == "variables_invalid"
    assert sorted(f"{p.path}:{p.code}" for p in caught.value.problems) == ["extra:unexpected", "name:wrong_type"]
    # A template error is a BadRequestError whose details are not a list of problems.
    with pytest.raises(BadRequestError) as unsafe:
        client.prompts.create(name=unique("evil"), text="{{ name.constructor }}", variables=NAME_SCHEMA)
    assert unsafe.value.code == "template_unsafe"
    with pytest.raises(NotFoundError):
        client.prompts.get(unique("missing"))


def test_a_completion_from_a_template(client: SomaAgent) -> None:
    name = unique("ask")
    client.prompts.create(name=name, text="Tell me about {{ topic }}", variables={"properties": {"topic": {"type": "string"}}, "required": ["topic"]}, labels=["production"])
    completion = client.completions.create(model=MODEL, template={"name": name, "label": "production", "variables": {"topic": "queues"}})
    assert "Tell me about queues" in completion.text
    assert completion.prompt is not None and completion.prompt.name == name and completion.prompt.version == 1
