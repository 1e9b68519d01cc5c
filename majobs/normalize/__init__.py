"""Pure cleaning functions: plain values in, plain values out. No I/O, no Scrapy."""
