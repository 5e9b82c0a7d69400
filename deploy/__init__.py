"""Deployment helpers: demo data and its loader (not imported by the services)."""
