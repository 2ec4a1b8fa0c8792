"""Writing files the person asked for (reports, exports, routine copies): the rules live in backcare.outfiles."""

from __future__ import annotations

from backcare.outfiles import Target, plan, write_output, write_private

__all__ = ["Target", "plan", "write_output", "write_private"]
