"""How long free text may be (docs/api.md "Limits").

Every field a member types paragraphs into has a bound, so no single row can make a page slow
for everyone who opens it. Names and titles are ``CharField``s whose ``max_length`` the database
already enforces; the unbounded ``TextField``s take one of these, as ``max_length`` (forms and
API serializers read it) plus a ``MaxLengthValidator`` (``full_clean`` in the services, which
also guards imports and syncs).
"""

# Conversation notes: Markdown, the longest thing a member writes.
NOTES_MAX_LENGTH = 20_000
# Descriptions, a persona's goals and pains, a deal's loss notes.
TEXT_MAX_LENGTH = 5_000
# One-sentence text: assumption statements, quotes, advocacy and scorecard notes.
SHORT_TEXT_MAX_LENGTH = 2_000
