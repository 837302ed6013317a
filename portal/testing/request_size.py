import io


class UnreadableBody(io.RawIOBase):
    """A request body (wsgi.input) that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read
