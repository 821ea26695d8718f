"""Establishments from the GIAS "all establishments" extract (`gias`) and from the DfE section 41
list (`s41`), which share their batch writer (`establishment_writes`). This module keeps the one
import path callers (commands, CLI, docs) have used for both imports."""

from __future__ import annotations

from .gias import import_gias
from .s41 import import_s41

__all__ = ["import_gias", "import_s41"]
