"""The stored access events as rules judge them: each with the system that claims its
resource and whether that system holds personal data. The access_logs and training checks
both judge them; this is the one place that says how."""

NIGHT = "(oslo_hour >= $night_from OR oslo_hour < $night_until OR isodow(oslo_day) >= 6)"
_PERSONAL_RESOURCES = """(SELECT r.resource, r.system, true AS personal FROM access_resources r
                         JOIN systems s ON s.name = r.system WHERE s.holds_personal_data)"""
_ALL_RESOURCES = """(SELECT r.resource, r.system, coalesce(s.holds_personal_data, false) AS personal
                    FROM access_resources r LEFT JOIN systems s ON s.name = r.system)"""
NOT_ACCESS = "('signin', 'signin_failed', 'denied')"  # the account, not a system's data


def judged(personal_only: bool = False, people: bool = True, events: str = "access_events",
           night: bool = False) -> str:
    """The events the rules judge — sign-ins, and anything on a resource a system claims —
    with what the rules ask of them. A rule that needs less joins less: `personal_only`
    keeps the personal-data systems alone, `people` adds the directory, `events` narrows
    the events before any join, `night` (parameters $night_from, $night_until) marks
    events out of hours."""
    resources = _PERSONAL_RESOURCES if personal_only else _ALL_RESOURCES
    return f"""
    SELECT e.*, r.system, coalesce(r.personal, false) AS personal
           {f", {NIGHT} AS night" if night else ""}
           {", p.person IS NOT NULL AS known, p.left_on" if people else ""}
    FROM {events} e
    {"JOIN" if personal_only else "LEFT JOIN"} {resources} r USING (resource)
    {"LEFT JOIN people p ON p.person = e.actor" if people else ""}
    WHERE r.system IS NOT NULL OR e.action IN ('signin', 'signin_failed')"""
