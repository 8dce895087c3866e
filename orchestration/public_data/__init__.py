"""Map real public customer-support data sets (`../shared/datasets/`, never committed) onto the
landing contract, so the warehouse can be tried on data nobody on this project wrote.

Each converter reads one data set's files as published and writes landing CSV files: it renames
and reformats (timestamps to ISO 8601 with their offset, ids with a prefix naming the data set)
but does not clean. Rows the source gets wrong stay wrong (a repeated review id, a thread whose
first tweet is not in the extract) for the warehouse to quarantine or label unknown; what a
converter had to decide is written in its module's docstring.
"""
