"""Thin endpoints: parse → command → one service call → serialise."""
