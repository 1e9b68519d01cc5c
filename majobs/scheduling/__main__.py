"""``python -m majobs.scheduling schedule ...`` / ``alerts ...``."""

from majobs.scheduling.cli import main

main()
