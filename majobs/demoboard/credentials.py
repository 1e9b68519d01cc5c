"""The demo board's API credentials (USAJOBS, CareerOneStop): public demo values.

The board refuses its keyed APIs (HTTP 401) without them, like the real services. Sources
files never hold credentials: ``majobs demo`` and the tests put these in the environment
(``os.environ.update(DEMO_CREDENTIALS)``), where the spiders look for them.
"""

from __future__ import annotations

USAJOBS_KEY = "demo-usajobs-key-5kQ2"
USAJOBS_EMAIL = "demo@majobs.example"
CAREERONESTOP_TOKEN = "demo-careeronestop-token-7Hb9"
CAREERONESTOP_USERID = "demoUser01"

DEMO_CREDENTIALS: dict[str, str] = {
    "MAJOBS_USAJOBS_KEY": USAJOBS_KEY,
    "MAJOBS_USAJOBS_EMAIL": USAJOBS_EMAIL,
    "MAJOBS_CAREERONESTOP_TOKEN": CAREERONESTOP_TOKEN,
    "MAJOBS_CAREERONESTOP_USERID": CAREERONESTOP_USERID,
}
