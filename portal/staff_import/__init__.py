"""The staff import: HR's CSV export in, people created, updated and deactivated.

    columns.py          the columns the import reads, documented for the upload page
    parsing.py          the file: encoding, header, each row's values, problems by line/column
    reporting_lines.py  line managers: that they exist, no loops, the order to add people in
    compare.py          a batch of rows against the portal: add, change, deactivate, leave
    planning.py         the whole file: every problem, or the preview and its digest
    applying.py         the planned changes, in batches, through portal.services.users

The steps a person or a command takes (upload, preview, apply) are the services in
portal/services/staff_import.py; this package is what they run.
"""
