"""Where personal data may go: the EEA and the Commission's adequacy decisions (GDPR Art. 45).

Kept as data with its date and sources, so an update touches this file only.
"""

from datetime import date

AS_OF = date(2026, 11, 1)
SOURCES = (
    "EEA Agreement, Annex XI and Joint Committee Decision 154/2018 (GDPR in the EEA)",
    "European Commission, 'Adequacy decisions' (list of countries), as of the date above",
    "Commission Implementing Decision (EU) 2023/1795 of 10 July 2023 (EU-US Data Privacy Framework)",
    "CJEU C-311/18 Schrems II, 16 July 2020 (Privacy Shield invalid)",
    "Commission Implementing Decision (EU) 2021/914 (standard contractual clauses; the 2010 "
    "clauses had to be replaced by 27 December 2022)",
)

EU = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})
EEA = EU | {"IS", "LI", "NO"}

# Country code -> the decision's scope. The United States is adequate only for
# organisations certified under the Data Privacy Framework: see `US_DPF_ONLY`.
ADEQUACY = {
    "AD": "Andorra",
    "AR": "Argentina",
    "CA": "Canada (organisations subject to PIPEDA)",
    "FO": "Faroe Islands",
    "GG": "Guernsey",
    "IL": "Israel",
    "IM": "Isle of Man",
    "JP": "Japan",
    "JE": "Jersey",
    "NZ": "New Zealand",
    "KR": "Republic of Korea",
    "CH": "Switzerland",
    "GB": "United Kingdom (renewed December 2025)",
    "UY": "Uruguay",
}
US_DPF_ONLY = "US"

# scc2021, bcr and derogation are valid safeguards (Art. 46(2)(c), 47, 49); the two below are not.
MECHANISMS = ("none", "adequacy", "dpf", "scc2021", "bcr", "derogation", "privacy_shield", "scc2010")
INVALID = ("privacy_shield", "scc2010")


def adequate(country: str, dpf_certified: bool | None) -> bool:
    """Whether an adequacy decision covers a transfer to `country` (Art. 45)."""
    if country == US_DPF_ONLY:
        return bool(dpf_certified)
    return country in ADEQUACY
