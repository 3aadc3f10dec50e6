"""The local web application of `granska serve`: self-evaluation in a browser.

Flask is imported only here and below, never by the rest of the package, so that
`granska check` starts without it.
"""
