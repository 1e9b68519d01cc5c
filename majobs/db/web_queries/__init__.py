"""The web UI's SQL, one module per page area: the review queue (keyset paging), a
posting's detail, review actions (each a ReviewEvent), sources and runs, candidates and
their private links, market statistics, and web users."""
