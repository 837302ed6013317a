"""The portal's own forms, one module per area; they only validate."""
