"""What each CLI command does, once its arguments are parsed: call the work, print."""
