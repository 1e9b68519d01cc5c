"""majobs: find Medical Assistant jobs.

Data flows one way: spiders -> pipeline -> db -> matcher -> cli/web.
"""

__version__ = "0.1.0"
