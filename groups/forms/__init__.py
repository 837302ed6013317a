"""The chat-group register's forms, one module per part of the app. They only validate."""
