"""Counts that a worker sums over its batches and passes."""

from dataclasses import dataclass, fields
from typing import Self


@dataclass
class Tally:
    """Base of a dataclass of counts (every field a number)."""

    def add(self, other: Self) -> None:
        """Add `other`'s counts to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
