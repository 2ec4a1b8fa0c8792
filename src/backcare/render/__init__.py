"""Terminal rendering with Rich. Imported only by commands that draw something."""
