"""The topics every instance starts with: (slug, Chinese name, English name)."""

from __future__ import annotations

DEFAULT_TOPICS: tuple[tuple[str, str, str], ...] = (
    ("environment", "环境", "Environment"),
    ("labour", "劳工", "Labour"),
    ("health", "健康", "Health"),
    ("education", "教育", "Education"),
    ("disability", "残障", "Disability"),
    ("disaster-relief", "救灾", "Disaster relief"),
    ("public-safety", "公共安全", "Public safety"),
    ("corruption", "腐败", "Corruption"),
    ("housing-land", "住房与土地", "Housing and land"),
    ("legal-aid", "法律援助", "Legal aid"),
    ("other", "其他", "Other"),
)
