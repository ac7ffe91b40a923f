"""Marketing activation: segments (segments/), YAML audiences and their members, control groups, uploads.

A pure library like models_ml/: it never imports Dagster or pipeline/. The pipeline reads the
warehouse, calls these functions and writes what they return through its storage module.
"""

from targeting.audience_config import CHANNELS, Audience, AudienceConfigError, load_audiences, parse_audiences
from targeting.audience_members import AudienceExport, AudienceRelations, build_audiences
from targeting.column_catalog import ColumnCatalog
from targeting.segments.roi import RoiSettings, segment_roi

__all__ = [
    "CHANNELS",
    "Audience",
    "AudienceConfigError",
    "AudienceExport",
    "AudienceRelations",
    "ColumnCatalog",
    "RoiSettings",
    "build_audiences",
    "load_audiences",
    "parse_audiences",
    "segment_roi",
]
