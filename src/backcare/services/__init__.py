"""Use cases: combine the store, content and domain for one command each."""
