"""The register of work chat groups (ChatGroup and its clear-down cycles and holds).

Not to be confused with Django's `user.groups`: those are the portal's roles (portal.roles).
"""
