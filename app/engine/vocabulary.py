"""The fixed vocabulary of DESIGN.md: ids other tools rely on. Never rename these."""

DIMENSIONS: tuple[str, ...] = ("governance", "analytics", "facilitation", "tools", "leadership")

LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)

MODELS: tuple[str, ...] = ("supportive", "controlling", "directive", "federated")

# Context keys with their type and, for choices, the allowed values in order.
CONTEXT_KEYS: dict[str, dict] = {
    "org_size": {"type": "choice", "values": ("small", "medium", "large", "enterprise")},
    "active_projects": {"type": "integer", "min": 0},
    "business_units": {"type": "integer", "min": 1},
    "regulated": {"type": "boolean"},
    "risk_profile": {"type": "choice", "values": ("low", "medium", "high")},
    "delivery_mix": {"type": "choice", "values": ("waterfall", "hybrid", "agile")},
    "primary_pain": {
        "type": "choice",
        "values": (
            "duplicate_work",
            "poor_forecasting",
            "weak_execution",
            "resource_conflicts",
            "strategic_misalignment",
        ),
    },
    "existing_pmo": {"type": "choice", "values": ("none", "informal", "established")},
}

SEVERITIES: tuple[str, ...] = ("high", "medium", "low")

# How much a capability area (or a practice) matters to the organisation, lowest first.
IMPORTANCE_LEVELS: tuple[str, ...] = ("low", "normal", "high")
