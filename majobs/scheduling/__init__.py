"""Nightly operation: the scheduler process, its jobs, its lock, and candidate alerts.

``majobs schedule`` runs APScheduler 3 in the foreground with its job store in the majobs
database. Job functions live in :mod:`majobs.schedules` under stable import paths; this
package holds the machinery. Kept import-light: ``python -m majobs.scheduling.child`` starts
every crawl child.
"""
