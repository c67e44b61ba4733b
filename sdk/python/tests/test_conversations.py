"""Conversations, and completions that continue them."""

from __future__ import annotations

import pytest
from support import MODEL, user

from somaagent import NotFoundError, SomaAgent


def test_conversations(client: SomaAgent) -> None:
    conversation = client.conversations.create(title="Trip", metadata={"source": "sdk"}, messages=[{"role": "user", "content": "I am going to Oslo."}])
    assert conversation.id.startswith("conv_") and conversation.title == "Trip"
    assert conversation.messages is not None and [m.seq for m in conversation.messages] == [1]
    added = client.conversations.messages.create(conversation.id, messages=[{"role": "assistant", "content": "Noted.", "metadata": {"by": "sdk"}}])
    assert [m.role for m in added] == ["assistant"] and added[0].metadata == {"by": "sdk"}

    answer = client.completions.create(model=MODEL, conversation=conversation.id, messages=user("Where am I going?"))
    assert answer.conversation == conversation.id
    thread = client.conversations.get(conversation.id)
    assert thread.messages is not None
    assert [m.role for m in thread.messages] == ["user", "assistant", "user", "assistant"]
    assert thread.messages[-1].run_id == answer.id and thread.messages[-1].content == answer.text
    assert conversation.id in [c.id for c in client.conversations.list(limit=200)]

    assert client.conversations.delete(conversation.id).deleted is True
    with pytest.raises(NotFoundError):
        client.conversations.get(conversation.id)
