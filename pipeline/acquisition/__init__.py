"""Acquisition: find every youth inspection report the inspectorate has published and
download the new or changed ones, politely, without ever corrupting what is already saved.

Stages, one module each:

- `sources`   models/sources.yml (URLs, listing types, selectors) as objects
- `http`      the polite client: one request at a time, a delay between them, a named
              User-Agent, robots.txt, retries with back-off honouring Retry-After,
              conditional requests, `--mirror`
- `robots`    robots.txt rules per site
- `pages`     the site's listing, inspection and report pages read with an HTML parser
              (selectolax) and the selectors from sources.yml
- `download`  a report to a temporary file, checked, then renamed into place
- `manifest`  DIR/manifest.csv, one row per saved report
- `register`  models/inspections.csv (every inspection known to be published) and how
              loaded reports are linked to it
- `fetch`     the whole run: every source, every report, the summary
"""
