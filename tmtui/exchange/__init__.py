"""Exporters and importers: plain functions from records to text and back. They never print or exit."""
