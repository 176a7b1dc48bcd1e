"""The voice agent: LiveKit worker, persona, RAG hook, tools, booking and notification back-ends."""
