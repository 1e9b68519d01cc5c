"""How the board's search APIs (USAJOBS, CareerOneStop) choose postings: words and miles.

The ground truth calls the same functions with the sources file's keyword and place, so
what a search lists and what the truth says it lists cannot drift apart.
"""

from __future__ import annotations

import functools
import math
import re

from majobs.demoboard.model import Employer, Posting
from majobs.demoboard.places import City, Metro, all_cities
from majobs.demoboard.prose import body_text

DEMO_KEYWORD = "medical assistant"     # what the demo sources search for
SEARCH_RADIUS = 50                     # miles: every city of a metro from its first one
MA_ONET_CODE = "31-9092.00"            # CareerOneStop: search by occupation code
_EARTH_MILES = 3958.8
_WORD = re.compile(r"[a-z0-9]+")
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")

# Latitude/longitude of the demo cities' ZIPs (from the zipcodes package; checked by the
# tests): loading the whole package's data costs ~2 s, these few need nothing.
ZIP_POINTS: dict[str, tuple[float, float]] = {
    "78701": (30.2713, -97.7426), "78745": (30.2063, -97.7956), "78758": (30.3764, -97.7078),
    "78664": (30.5145, -97.6680), "78626": (30.6330, -97.6707), "78229": (29.5042, -98.5697),
    "78209": (29.4821, -98.4554), "77030": (29.7041, -95.4010), "77024": (29.7696, -95.5201),
    "98101": (47.6114, -122.3305), "98104": (47.6036, -122.3256),
    "98115": (47.6849, -122.2968), "98004": (47.6155, -122.2072),
    "98052": (47.6718, -122.1232), "98405": (47.2484, -122.4643),
    "98203": (47.9419, -122.2218), "85006": (33.4650, -112.0474),
    "85016": (33.5021, -112.0305), "85281": (33.4227, -111.9261),
    "85201": (33.4317, -111.8469), "85224": (33.3301, -111.8632), "27607": (35.8014, -78.6877),
    "27705": (36.0218, -78.9478), "27514": (35.9203, -79.0372), "43215": (39.9671, -83.0044),
    "43085": (40.0999, -83.0157), "43017": (40.1093, -83.1146),
}


@functools.lru_cache(maxsize=256)
def zip_point(postal_code: str) -> tuple[float, float] | None:
    if postal_code in ZIP_POINTS:
        return ZIP_POINTS[postal_code]
    import zipcodes  # only for ZIPs outside the demo cities (a searcher's own ZIP)

    try:
        hits = zipcodes.matching(postal_code)
    except (TypeError, ValueError):
        return None
    return (float(hits[0]["lat"]), float(hits[0]["long"])) if hits else None


def city_point(city: City) -> tuple[float, float] | None:
    return zip_point(city.postal_code)


def place_point(text: str | None) -> tuple[float, float] | None:
    """A searcher's place: a ZIP, or 'City, ST' / 'City, State' of a demo city; else None."""
    if not text:
        return None
    m = _ZIP.match(text)
    if m:
        return zip_point(m.group(1))
    name, _, state = (s.strip().lower() for s in text.partition(","))
    for city in all_cities():
        if city.name.lower() == name and state in ("", city.state.lower(),
                                                   city.state_name.lower()):
            return city_point(city)
    return None


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * _EARTH_MILES * math.asin(math.sqrt(h))


def near(center: tuple[float, float] | None, radius: float, city: City) -> bool:
    """True when ``city`` lies within ``radius`` miles of ``center`` (no center: anywhere)."""
    if center is None:
        return True
    point = city_point(city)
    return point is not None and miles(center, point) <= radius


def keyword_matches(keyword: str, text: str) -> bool:
    """Every word of the keyword appears in the text (case-insensitive); '' matches all."""
    have = set(_WORD.findall(text.lower()))
    return all(w in have for w in _WORD.findall(keyword.lower()))


def metro_center(metro: Metro) -> str:
    """Where a metro's sources search from: its first city's ZIP."""
    return metro.cities[0].postal_code


def metro_place(metro: Metro) -> str:
    """The same place as USAJOBS sources write it: 'Seattle, WA'."""
    first = metro.cities[0]
    return f"{first.name}, {first.state}"


def posting_text(emp: Employer, p: Posting) -> str:
    """What a search engine reads of a posting: its title and its description."""
    return f"{p.title}\n{body_text(p, emp)}"


def c1s_lists(keyword: str, emp: Employer, p: Posting) -> bool:
    """CareerOneStop: the MA O*NET code finds MA postings; words find the words."""
    if keyword.strip() == MA_ONET_CODE:
        return p.is_ma
    return keyword_matches(keyword, posting_text(emp, p))


# Words a title may carry about its terms rather than the job (the pipeline drops such words
# when it compares titles, so two titles differing only in them name the same job).
_TITLE_NOISE = frozenset({"full", "part", "time", "prn", "per", "diem", "contract",
                          "temporary", "temp", "float", "pool"})
_TITLE_SHORT = {"ma": ("medical", "assistant"), "cma": ("certified", "medical", "assistant"),
                "rma": ("registered", "medical", "assistant"), "derm": ("dermatology",),
                "peds": ("pediatric",), "ortho": ("orthopedic",)}


def title_words(title: str) -> frozenset[str]:
    """A title's job words, coarsely: 'PRN Medical Assistant' = 'Medical Assistant (MA)'."""
    words: set[str] = set()
    for w in _WORD.findall(title.lower()):
        words.update(_TITLE_SHORT.get(w, (w,)))
    return frozenset(words - _TITLE_NOISE)
