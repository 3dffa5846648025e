"""Reads both sides share (staff accounts, the audit log), one module per topic."""
