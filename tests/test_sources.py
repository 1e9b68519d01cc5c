"""The sources file: valid files load; every bad one is refused with file, field, reason."""

from __future__ import annotations

import pytest

from majobs.errors import InputError
from majobs.sources import load_sources, parse_sources

GOOD = """
sources:
  - name: valley-health
    kind: greenhouse
    board: valleyhealth
    api_url: http://127.0.0.1:8765
  - name: lakeside-clinic
    kind: jsonld
    start_urls: [http://127.0.0.1:8765/lakeside/careers/]
    sitemap_urls: http://127.0.0.1:8765/lakeside/sitemap.xml
    allow_local: true
  - name: metro-feed
    kind: feed
    url: http://127.0.0.1:8765/feeds/metro.xml
    enabled: false
  - {name: federal-ma, kind: usajobs, keyword: medical assistant, location: "Seattle, WA",
     radius_miles: 25}
"""


def test_good_file_loads(tmp_path):
    f = tmp_path / "sources.yaml"
    f.write_text(GOOD)
    srcs = load_sources(f)
    names = ["valley-health", "lakeside-clinic", "metro-feed", "federal-ma"]
    assert [s.name for s in srcs] == names
    gh, site, feed, fed = srcs
    assert gh.origin("https://boards-api.greenhouse.io") == "http://127.0.0.1:8765"
    assert site.start_urls == ("http://127.0.0.1:8765/lakeside/careers/",)
    assert site.sitemap_urls == ("http://127.0.0.1:8765/lakeside/sitemap.xml",)
    assert site.allow_local and not gh.allow_local
    assert feed.enabled is False
    assert fed.radius_miles == 25.0
    lever = parse_sources({"sources": [{"name": "x", "kind": "lever", "board": "x"}]})[0]
    assert lever.origin("https://api.lever.co/") == "https://api.lever.co"


@pytest.mark.parametrize(
    ("entry", "field", "reason"),
    [
        ({"name": "Bad Name", "kind": "feed", "url": "http://x"}, "name", "[a-z0-9-]+"),
        ({"name": "a", "kind": "monster"}, "kind", "must be one of"),
        ({"name": "a", "kind": "greenhouse"}, "(a)", "missing required key(s): ['board']"),
        ({"name": "a", "kind": "greenhouse", "board": "b", "bord": 1}, "(a)", "unknown key"),
        ({"name": "a", "kind": "feed", "url": "file:///etc/passwd"}, "url", "http(s) URL"),
        ({"name": "a", "kind": "feed", "url": 42}, "url", "must be a URL"),
        ({"name": "a", "kind": "jsonld"}, "(a)", "start_urls or sitemap_urls"),
        ({"name": "a", "kind": "feed", "url": "http://x", "enabled": "yes"}, "enabled",
         "true or false"),
        ({"name": "a", "kind": "usajobs", "keyword": "ma", "radius_miles": -3}, "radius_miles",
         "positive"),
        ("just a string", "sources[0]", "mapping"),
    ],
)
def test_bad_entries_name_field_and_reason(entry, field, reason):
    with pytest.raises(InputError) as err:
        parse_sources({"sources": [entry]}, "s.yaml")
    message = str(err.value)
    assert message.startswith("s.yaml: sources[0]")
    assert field in message
    assert reason in message


def test_duplicate_names_refused():
    entry = {"name": "a", "kind": "feed", "url": "http://x"}
    with pytest.raises(InputError, match=r"sources\[1\]\.name: duplicate source name 'a'"):
        parse_sources({"sources": [entry, dict(entry)]}, "s.yaml")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("sources: [", "not valid YAML"),
        ("- a\n- b\n", "'sources' list"),
        ("sources: []\nextra: 1\n", "unknown top-level key"),
    ],
)
def test_bad_files(tmp_path, text, reason):
    f = tmp_path / "s.yaml"
    f.write_text(text)
    with pytest.raises(InputError, match=reason) as err:
        load_sources(f)
    assert err.value.exit_code == 2
    assert str(f) in str(err.value)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_sources(tmp_path / "nope.yaml")
    f = tmp_path / "bin.yaml"
    f.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="cannot read"):
        load_sources(f)
