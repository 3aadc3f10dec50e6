"""Output: the format registry, the jinja2 environment, the report view, HTML, DOCX, PDF."""
