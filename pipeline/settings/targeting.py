"""Settings of segments and audiences (PULSE_AUDIENCES_PATH, control groups, the ROI of targeting)."""

from dataclasses import dataclass
from pathlib import Path

from pipeline.settings.environment import EnvReader

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_AUDIENCES_PATH = REPO_ROOT / "config" / "audiences.yml"


@dataclass(frozen=True)
class TargetingSettings:
    audiences_path: Path = DEFAULT_AUDIENCES_PATH
    # share of each audience held out as a control group (deterministic by customer and audience)
    control_share: float = 0.10
    # category segments: at most this many rule segments per category (2-64: a readable tree)
    max_segments: int = 8
    # return on targeting the top-k segments: cost per contact (reporting currency), gross margin, and
    # the share of expected buyers a campaign adds (uplift)
    cost_per_contact: float = 0.10
    margin: float = 0.30
    expected_uplift: float = 0.10

    @classmethod
    def from_env(cls, env: EnvReader) -> "TargetingSettings":
        audiences = env.text("PULSE_AUDIENCES_PATH")
        return cls(
            audiences_path=Path(audiences).expanduser().resolve() if audiences else DEFAULT_AUDIENCES_PATH,
            # at most half: a control group larger than the campaign measures nothing better
            control_share=env.share("PULSE_CONTROL_SHARE", cls.control_share, maximum=0.5),
            max_segments=env.whole("PULSE_MAX_SEGMENTS", cls.max_segments, minimum=2, maximum=64),
            cost_per_contact=env.number("PULSE_COST_PER_CONTACT", cls.cost_per_contact, 0),
            margin=env.share("PULSE_MARGIN", cls.margin),
            expected_uplift=env.share("PULSE_EXPECTED_UPLIFT", cls.expected_uplift),
        )
