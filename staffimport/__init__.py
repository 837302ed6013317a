"""The staff import: HR's CSV export in, people created, updated and deactivated. A domain app:
it changes people only through the portal's people services (portal.services.users), and the
portal imports nothing from it.

    models.py           StaffImport: one HR file, its preview and what applying it did
    services.py         the steps a person or a command takes: upload, preview, apply
    access.py           who may use the import, and fetching one import
    forms.py, views.py, urls.py, tasks.py, management/commands/import_staff.py

    columns.py          the columns the import reads, documented for the upload page
    parsing.py          the file: encoding, header, each row's values, problems by line/column
    reporting_lines.py  line managers: that they exist, no loops, the order to add people in
    compare.py          a batch of rows against the portal: add, change, deactivate, leave
    planning.py         the whole file: every problem, or the preview and its digest
    applying.py         the planned changes, in batches, through portal.services.users
"""
