"""`make bench`: the roll-up benchmark (issue 5, item 6). Not part of the test suite."""
