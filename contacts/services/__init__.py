"""Writes both sides share (staff accounts, the audit log, the task queue), one
module per topic; import the function from its module."""
