"""The licences a dataset may carry: a few common ones by SPDX id (https://spdx.org/licenses/), or another
licence given by the URL of its terms. One list for the form, the page, the API and Croissant."""

import re

SPDX_PAGE = "https://spdx.org/licenses/{}.html"
OTHER = "other"
DEFAULT = "CC-BY-4.0"

# SPDX id -> SPDX's own name, in the order the form offers them.
LICENCES = {
    "CC0-1.0": "Creative Commons Zero v1.0 Universal",
    "CC-BY-4.0": "Creative Commons Attribution 4.0 International",
    "CC-BY-SA-4.0": "Creative Commons Attribution Share Alike 4.0 International",
    "ODbL-1.0": "Open Data Commons Open Database License v1.0",
    "MIT": "MIT License",
    "Apache-2.0": "Apache License 2.0",
}
CHOICES = [(spdx, f"{name} ({spdx})") for spdx, name in LICENCES.items()] + [(OTHER, "Other (give a URL)")]
ACCEPTED = ", ".join([*LICENCES, OTHER])

# Spellings people write, squeezed by `squeeze` (lower case, no spaces or dashes, no "licence" or "version").
ALIASES = {
    "cc0": "CC0-1.0",
    "cczero": "CC0-1.0",
    "ccby4": "CC-BY-4.0",
    "ccbysa4": "CC-BY-SA-4.0",
    "odbl": "ODbL-1.0",
    "opendatabase1.0": "ODbL-1.0",
    "apache2": "Apache-2.0",
}
# Where the licences' own sites publish them, without the scheme, "www." or a trailing slash.
URL_ALIASES = {
    "creativecommons.org/publicdomain/zero/1.0": "CC0-1.0",
    "creativecommons.org/licenses/by/4.0": "CC-BY-4.0",
    "creativecommons.org/licenses/by-sa/4.0": "CC-BY-SA-4.0",
    "opendatacommons.org/licenses/odbl/1-0": "ODbL-1.0",
    "opendatacommons.org/licenses/odbl/1.0": "ODbL-1.0",
    "opensource.org/licenses/mit": "MIT",
    "opensource.org/license/mit": "MIT",
    "apache.org/licenses/license-2.0": "Apache-2.0",
    **{f"spdx.org/licenses/{spdx.lower()}.html": spdx for spdx in LICENCES},
    **{f"spdx.org/licenses/{spdx.lower()}": spdx for spdx in LICENCES},
}
WEB_ADDRESS = re.compile(r"^https?://", re.IGNORECASE)


def squeeze(text: str) -> str:
    text = re.sub(r"[^a-z0-9.]+", "", text.lower())
    text = re.sub(r"licen[cs]e|version|international|universal", "", text)
    text = re.sub(r"v(?=\d)", "", text)
    return re.sub(r"(\d)\.0$", r"\1", text)  # "4.0" and "4" are the same licence


SPELLINGS = {squeeze(spdx): spdx for spdx in LICENCES} | {
    squeeze(name): spdx for spdx, name in LICENCES.items()
}
SPELLINGS |= {squeeze(alias): spdx for alias, spdx in ALIASES.items()}


def spdx_id(text: str) -> str | None:
    """The SPDX id a licence's name, id or web address stands for ("CC BY 4.0", "mit license", the
    Creative Commons URL...); None when it is none of the offered licences."""
    text = text.strip()
    if WEB_ADDRESS.match(text):
        address = re.sub(r"^https?://(www\.)?", "", text, flags=re.IGNORECASE).rstrip("/").lower()
        address = re.sub(r"/(legalcode|deed\.[a-z-]+)$", "", address)
        return URL_ALIASES.get(address)
    return SPELLINGS.get(squeeze(text)) if text else None


def is_web_address(text: str) -> bool:
    return bool(WEB_ADDRESS.match(text.strip()))


def licence_url(spdx: str, other_url: str = "") -> str:
    """Where a licence's terms are: SPDX's page for an offered licence, the given address for another."""
    return SPDX_PAGE.format(spdx) if spdx in LICENCES else other_url


def licence_label(spdx: str, other_name: str = "") -> str:
    """How the form's list and the dataset's page name a licence."""
    if spdx in LICENCES:
        return f"{LICENCES[spdx]} ({spdx})"
    return other_name or "Other licence"
