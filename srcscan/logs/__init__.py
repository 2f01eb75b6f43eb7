"""Logs: the VBox.log reader, IPRT format strings, mapping log lines to the source lines that
print them, values observed in a log, and the clock drift they imply."""
