"""The staff import: HR's CSV export in, people created, updated and deactivated.

    parsing.py   the file: encoding, header, and each row's values, with problems by line/column
    planning.py  the whole file against the portal: what would change, or why it cannot
    applying.py  making the planned changes, in batches, through portal.services.users

The steps a person or a command takes (upload, preview, apply) are the services in
portal/services/staff_import.py; this package is what they run.
"""
