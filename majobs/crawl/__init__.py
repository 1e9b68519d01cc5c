"""Running crawls: Scrapy settings, the in-process runner, run outcomes."""
